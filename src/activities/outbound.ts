import type { EmailActivities } from './email';
import type { NotificationActivities } from './notifications';
import type { WebhookActivities } from './webhooks';

/**
 * The activities that send what leaves the system, as the delivery workflow calls them. Types
 * only: the workflow proxies them from here, so a misspelt activity name is a compile error.
 */
export type OutboundActivities = Pick<EmailActivities, 'sendEmails'> &
  Pick<WebhookActivities, 'deliverWebhook'>;

/** One outbound message: the activity that sends it and exactly the payload it takes. */
export type OutboundJob = {
  [A in keyof OutboundActivities]: {
    activity: A;
    /** What the Temporal UI shows for the activity. */
    summary: string;
    payload: Parameters<OutboundActivities[A]>[0];
  };
}[keyof OutboundActivities];

/** What the workflow schedules instead when one change has a job for more than one activity. */
export type BatchActivities = Pick<NotificationActivities, 'sendNotifications'>;
