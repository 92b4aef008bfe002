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
  /**
   * The body carries a secret (a single-use account link): it is never logged, and the stored
   * copy is blanked once Postmark has it, so the database does not keep live tokens.
   */
  sensitive?: boolean;
}

/** What happened to one email; also what the Temporal UI shows as the activity's result. */
export type EmailOutcome =
  | { key: string; outcome: 'sent' | 'outbox' | 'sent-before' }
  | { key: string; outcome: 'rejected'; reason: string };
