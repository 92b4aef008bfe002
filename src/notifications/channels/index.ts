import type { OutboundJob } from '../../workflows/delivery-event';
import type { ChannelContext, NotificationChannel } from './channel';
import { emailChannel } from './email';
import { webhookChannel } from './webhook';

export type {
  ChannelContext,
  DeliveryLinks,
  NotificationChannel,
  Notice,
  RecipientNotice,
} from './channel';

/** Every channel beyond in-app, in the order their activities are scheduled. */
export const DELIVERY_CHANNELS: readonly NotificationChannel[] = [emailChannel, webhookChannel];

export async function planOutbound(context: ChannelContext): Promise<OutboundJob[]> {
  const jobs = await Promise.all(DELIVERY_CHANNELS.map((channel) => channel.plan(context)));
  return jobs.filter((job): job is OutboundJob => job !== null);
}
