import type { EmailMessage } from '../email-message';
import { escapeHtml } from '../html';
import { consoleDeliveryUrl, trackingUrl } from '../../tracking/tracking-links';
import { emailsJob } from '../../workflows/outbound-jobs';
import type { ChannelContext, NotificationChannel, Notice } from './channel';

/** A paragraph as plain text and as escaped HTML. */
interface Part {
  text: string;
  html: string;
}
const paragraph = (text: string): Part => ({ text, html: `<p>${escapeHtml(text)}</p>` });
const link = (lead: string, url: string): Part => ({
  text: `${lead}: ${url}`,
  html: `<p>${escapeHtml(lead)}: <a href="${escapeHtml(url)}">${escapeHtml(url)}</a></p>`,
});

function email(key: string, to: string, notice: Notice['content'], parts: Part[]): EmailMessage {
  return {
    key,
    to,
    subject: notice.title,
    textBody: `${parts.map((p) => p.text).join('\n\n')}\n`,
    htmlBody: parts.map((p) => p.html).join(''),
    tag: notice.type,
  };
}

/**
 * To a user (partner or admin): the words, the delivery's page in the console and its id, and
 * for the partner the tracking link to pass on.
 */
function userEmail({ user, eventKey, content }: Notice, { record, links }: ChannelContext) {
  const { publicUrl } = links.settings;
  const { id, partner_id: partnerId } = record.delivery;
  const parts = [
    paragraph(content.message),
    link('Open it in the console', consoleDeliveryUrl(publicUrl, id)),
  ];
  if (user.id === partnerId) {
    parts.push(
      link('Tracking page for the recipient', trackingUrl(publicUrl, links.trackingToken)),
    );
  }
  parts.push({ text: `Delivery ID: ${id}`, html: `<p>Delivery ID: <code>${id}</code></p>` });
  return email(`${eventKey}:email`, user.email, content, parts);
}

/** One email per notice, all of one event in one `sendEmails` activity (each deduped by key). */
export const emailChannel: NotificationChannel = {
  name: 'email',
  async plan(context) {
    const emails = context.notices.map((notice) => userEmail(notice, context));
    return emails.length > 0 ? emailsJob(emails) : null;
  },
};
