import type { Knex } from 'knex';
import type {
  DeliveryWebhookEventType,
  NotificationContent,
} from '../../domain/notification-rules';
import type { DeliveryEventRecord, OutboundJob } from '../../workflows/delivery-event';
import type { NotificationSettings } from '../notification-settings';

/** One person who hears about an event, and the words they read. */
export interface Notice {
  user: { id: string; email: string };
  /** Unique per event and recipient: dedupes the in-app row and every channel's message. */
  eventKey: string;
  content: NotificationContent;
  /** Where the console shows it to this person: the delivery's page unless given. */
  consoleUrl?: string;
}

/** The person the parcel is for: an email address on the delivery, not a user. */
export interface RecipientNotice {
  email: string;
  /** `<event key>:recipient`: dedupes the email across retries, replays and resets. */
  eventKey: string;
  content: NotificationContent;
}

/** What links need beyond the record: the configuration and the stored row's tracking token. */
export interface DeliveryLinks {
  settings: NotificationSettings;
  /** Read from the row in the recording transaction: the workflow never holds it. */
  trackingToken: string;
}

/** What a channel sees of one recorded event, inside the transaction that recorded it. */
export interface ChannelContext {
  trx: Knex;
  record: DeliveryEventRecord;
  /** Who hears about it (the in-app notifications stored with it). */
  notices: readonly Notice[];
  /** What the delivery's recipient is told, if it has an email address and hears of this. */
  recipient: RecipientNotice | null;
  /**
   * The partner-facing event type when the partner's systems hear of it: a change (deadlines are
   * not published to partners), and the partner has an endpoint (read with the row).
   */
  partnerEvent: DeliveryWebhookEventType | null;
  links: DeliveryLinks;
}

/**
 * A way to reach people or systems beyond the in-app notification. A channel plans its message
 * in the record activity's transaction; the workflow schedules the activity the job names
 * (`src/activities/outbound.ts` lists them). Adding one is one module, one line in
 * `channels/index.ts` and its sending activity.
 */
export interface NotificationChannel {
  name: string;
  plan(context: ChannelContext): Promise<OutboundJob | null>;
}
