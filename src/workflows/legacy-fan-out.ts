import type { EmailMessage } from '../notifications/email-message';
import type { WebhookJob } from '../notifications/webhook-message';
import type { DeliveryFanOut, OutboundJob } from './delivery-event';
import { emailsJob, webhookJob } from './outbound-jobs';

/**
 * What record activities returned before notification channels: running executions replay those
 * results from their history and must schedule the same activities, in the same order.
 */
export interface LegacyFanOut {
  recorded: boolean;
  emails: EmailMessage[];
  webhook: WebhookJob | null;
}

/** The jobs a record result asks for, whichever shape its run recorded. */
export function outboundJobsOf(fanOut: DeliveryFanOut | LegacyFanOut): OutboundJob[] {
  if ('outbound' in fanOut) return fanOut.outbound;
  const jobs: OutboundJob[] = [];
  if (fanOut.emails.length > 0) jobs.push(emailsJob(fanOut.emails));
  if (fanOut.webhook) jobs.push(webhookJob(fanOut.webhook));
  return jobs;
}
