import type { EmailMessage } from '../notifications/email-message';
import type { WebhookJob } from '../notifications/webhook-message';
import type { OutboundJob } from './delivery-event';

/**
 * The jobs of the two channels there are, as their planners make them and as the workflow
 * rebuilds them from the `{emails, webhook}` results that runs recorded before channels existed.
 */
export function emailsJob(emails: EmailMessage[]): OutboundJob {
  const to = emails.length === 1 ? '1 recipient' : `${emails.length} recipients`;
  // Each recipient's own subject ("Delivery assigned to you" is the admin's, not the partner's).
  const subjects = [...new Set(emails.map((email) => email.subject))].join(' / ');
  return { activity: 'sendEmails', summary: `Email ${to}: ${subjects}`, payload: emails };
}

export function webhookJob(job: WebhookJob): OutboundJob {
  return {
    activity: 'deliverWebhook',
    summary: `Webhook ${job.event.type} to the partner`,
    payload: job,
  };
}
