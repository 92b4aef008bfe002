import type { NotificationContent } from '../../domain/notification-rules';
import type { EmailMessage } from '../email-message';
import { escapeHtml } from '../html';
import { emailsJob } from '../../workflows/outbound-jobs';
import type { NotificationChannel } from './channel';

function emailFor(
  key: string,
  to: string,
  content: NotificationContent,
  deliveryId: string,
): EmailMessage {
  return {
    key,
    to,
    subject: content.title,
    textBody: `${content.message}\n\nDelivery ID: ${deliveryId}\n`,
    htmlBody: `<p>${escapeHtml(content.message)}</p><p>Delivery ID: <code>${deliveryId}</code></p>`,
    tag: content.type,
  };
}

/** One email per notice, all of one event in one `sendEmails` activity (each deduped by key). */
export const emailChannel: NotificationChannel = {
  name: 'email',
  async plan({ record, notices }) {
    if (notices.length === 0) return null;
    const emails = notices.map(({ user, eventKey, content }) =>
      emailFor(`${eventKey}:email`, user.email, content, record.delivery.id),
    );
    return emailsJob(emails);
  },
};
