import type { AccountTokenPurpose } from '../db/repositories/account-tokens';
import { escapeHtml } from '../notifications/html';
import type { EmailMessage } from '../notifications/email-message';

interface Template {
  subject: string;
  /** What the link does, as a sentence. */
  action: string;
  button: string;
  validity: string;
  page: string;
  /**
   * The link carries the address in its fragment (which never reaches a server or its logs): the
   * reset page puts it in its hidden username field, so a password manager saves the new password
   * for the right account.
   */
  namesAccount?: true;
}

const TEMPLATES: Record<AccountTokenPurpose, Template> = {
  'verify-email': {
    subject: 'Confirm your email address',
    action: 'Confirm your email address to start requesting deliveries.',
    button: 'Confirm my email address',
    validity: 'The link is valid for 48 hours.',
    page: '/account/verify-email',
  },
  'reset-password': {
    subject: 'Reset your password',
    action: 'Someone (hopefully you) asked to reset the password of your account.',
    button: 'Choose a new password',
    validity: 'The link is valid for one hour. If you did not ask for it, ignore this email.',
    page: '/account/reset-password',
    namesAccount: true,
  },
};

export function accountLink(
  publicUrl: string,
  purpose: AccountTokenPurpose,
  token: string,
  email: string,
) {
  const template = TEMPLATES[purpose];
  const link = `${publicUrl}${template.page}?token=${encodeURIComponent(token)}`;
  return template.namesAccount ? `${link}#email=${encodeURIComponent(email)}` : link;
}

/** The verification or reset email for one token row; its key makes a resend a no-op. */
export function accountEmail(opts: {
  purpose: AccountTokenPurpose;
  tokenId: string;
  to: string;
  firstName: string;
  link: string;
}): EmailMessage {
  const t = TEMPLATES[opts.purpose];
  const greeting = opts.firstName ? `Hello ${opts.firstName},` : 'Hello,';
  const textBody = [greeting, '', t.action, '', `${t.button}: ${opts.link}`, '', t.validity].join(
    '\n',
  );
  const link = escapeHtml(opts.link);
  const htmlBody = [
    `<p>${escapeHtml(greeting)}</p>`,
    `<p>${escapeHtml(t.action)}</p>`,
    `<p><a href="${link}">${escapeHtml(t.button)}</a></p>`,
    `<p>Or paste this address into your browser: ${link}</p>`,
    `<p>${escapeHtml(t.validity)}</p>`,
  ].join('\n');
  return {
    key: `account-email:${opts.tokenId}`,
    to: opts.to,
    subject: t.subject,
    textBody,
    htmlBody,
    tag: `account.${opts.purpose}`,
    sensitive: true,
  };
}
