/** One email to send, built by whoever decides who hears what; sent by the `sendEmail` activity. */
export interface EmailMessage {
  /** Stable per logical email (e.g. `<eventKey>:<recipientId>:email`); dedupes retries. */
  key: string;
  to: string;
  subject: string;
  textBody: string;
  htmlBody: string;
  /** Postmark tag, e.g. `delivery.assigned`, `account.verify-email`. */
  tag: string;
}

/** The email activity's signature, for workflows that import activity types only. */
export interface EmailActivities {
  sendEmail(message: EmailMessage): Promise<void>;
}
