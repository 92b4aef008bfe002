import type { NotificationContent } from '../../domain/notification-rules';
import type { EmailMessage } from '../email-message';
import { escapeHtml } from '../html';
import { consoleDeliveryUrl, trackingUrl } from '../../tracking/tracking-links';
import { emailsJob } from '../../workflows/outbound-jobs';
import type { ChannelContext, NotificationChannel, Notice, RecipientNotice } from './channel';

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

function email(key: string, to: string, content: NotificationContent, parts: Part[]): EmailMessage {
  return {
    key,
    to,
    subject: content.title,
    textBody: `${parts.map((p) => p.text).join('\n\n')}\n`,
    htmlBody: parts.map((p) => p.html).join(''),
    tag: content.type,
  };
}

/**
 * To a user (partner or admin): the words, the delivery's page in the console and its id, and
 * for the partner the tracking link to pass on.
 */
function userEmail(notice: Notice, { record, links }: ChannelContext) {
  const { user, eventKey, content } = notice;
  const { publicUrl } = links.settings;
  const { id, partner_id: partnerId } = record.delivery;
  const parts = [
    paragraph(content.message),
    link('Open it in the console', notice.consoleUrl ?? consoleDeliveryUrl(publicUrl, id)),
  ];
  if (user.id === partnerId) {
    parts.push(
      link('Tracking page for the recipient', trackingUrl(publicUrl, links.trackingToken)),
    );
  }
  parts.push({ text: `Delivery ID: ${id}`, html: `<p>Delivery ID: <code>${id}</code></p>` });
  return email(`${eventKey}:email`, user.email, content, parts);
}

/** To the person the parcel is for: the words and the tracking link, nothing internal. */
function recipientEmail(
  { email: to, eventKey, content }: RecipientNotice,
  { links }: ChannelContext,
) {
  const url = trackingUrl(links.settings.publicUrl, links.trackingToken);
  return email(`${eventKey}:email`, to, content, [
    paragraph(content.message),
    link('Follow your delivery', url),
  ]);
}

/**
 * One email per notice and one to the delivery's recipient when it hears of the event, all of
 * one event in one `sendEmails` activity (each deduped by key).
 */
export const emailChannel: NotificationChannel = {
  name: 'email',
  async plan(context) {
    const emails = context.notices.map((notice) => userEmail(notice, context));
    if (context.recipient) emails.push(recipientEmail(context.recipient, context));
    return emails.length > 0 ? emailsJob(emails) : null;
  },
};
