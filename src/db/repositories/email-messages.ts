import type { ModelObject } from 'objection';
import type { Queryable } from '../knex';
import { EmailMessageModel, type EmailStatus } from '../models/email-message';
import type { EmailMessage } from '../../notifications/email-message';

export type { EmailStatus };

/** A stored email as the statements below return it: the model's columns, no model methods. */
export type EmailRecord = ModelObject<EmailMessageModel>;

const TABLE = EmailMessageModel.tableName;
const emails = (db: Queryable) => db<EmailRecord>(TABLE);

/**
 * Records the message on its first attempt and counts every attempt. A row that already reached
 * a final status is returned untouched, so the caller can tell a retry of finished work apart.
 */
export async function beginEmailAttempt(
  db: Queryable,
  message: EmailMessage,
): Promise<EmailRecord> {
  // One statement: a new row is inserted as its first attempt, a pending one counts another.
  const result = await db.raw<{ rows: EmailRecord[] }>(
    `insert into ${TABLE} (key, to_address, subject, text_body, html_body, tag, attempts)
     values (?, ?, ?, ?, ?, ?, 1)
     on conflict (key) do update
       set attempts = ${TABLE}.attempts + 1, updated_at = now()
       where ${TABLE}.status = 'pending'
     returning *`,
    [message.key, message.to, message.subject, message.textBody, message.htmlBody, message.tag],
  );
  return result.rows[0] ?? (await findEmailByKey(db, message.key))!;
}

/**
 * Writes messages to the outbox (no Postmark token), all in one statement: new ones as their
 * first attempt, pending ones as another. Returns the keys written now; the others had reached a
 * final status before (read them with `findEmailByKey`).
 */
export async function writeEmailsToOutbox(
  db: Queryable,
  messages: readonly EmailMessage[],
): Promise<Set<string>> {
  // One row may be affected once per statement: a key twice would fail the whole batch.
  const unique = [...new Map(messages.map((m) => [m.key, m])).values()];
  if (unique.length === 0) return new Set();
  const result = await db.raw<{ rows: { key: string }[] }>(
    `insert into ${TABLE} (key, to_address, subject, text_body, html_body, tag, attempts, status)
     values ${unique.map(() => "(?, ?, ?, ?, ?, ?, 1, 'outbox')").join(', ')}
     on conflict (key) do update
       set attempts = ${TABLE}.attempts + 1, status = 'outbox', updated_at = now()
       where ${TABLE}.status = 'pending'
     returning key`,
    unique.flatMap((m) => [m.key, m.to, m.subject, m.textBody, m.htmlBody, m.tag]),
  );
  return new Set(result.rows.map((row) => row.key));
}

export async function findEmailByKey(db: Queryable, key: string): Promise<EmailRecord | undefined> {
  return emails(db).where({ key }).first();
}

export async function markEmailSent(
  db: Queryable,
  key: string,
  providerMessageId: string,
): Promise<void> {
  await emails(db).where({ key }).update({
    status: 'sent',
    provider_message_id: providerMessageId,
    last_error: null,
    error_code: null,
    sent_at: db.fn.now(),
    updated_at: db.fn.now(),
  });
}

export const REDACTED_BODY = '[removed after sending: it held a single-use link]';

export async function redactEmailBodies(db: Queryable, key: string): Promise<void> {
  await emails(db)
    .where({ key })
    .update({ text_body: REDACTED_BODY, html_body: REDACTED_BODY, updated_at: db.fn.now() });
}

export async function markEmailOutbox(db: Queryable, key: string): Promise<void> {
  await emails(db).where({ key }).update({ status: 'outbox', updated_at: db.fn.now() });
}

export async function recordEmailError(
  db: Queryable,
  key: string,
  error: { message: string; code: number | null; permanent: boolean },
): Promise<void> {
  await emails(db)
    .where({ key })
    .update({
      ...(error.permanent ? { status: 'failed' } : {}),
      last_error: error.message.slice(0, 2000),
      error_code: error.code,
      updated_at: db.fn.now(),
    });
}

/** The most recent emails first; what `npm run outbox` prints. */
export async function listEmails(
  db: Queryable,
  filter: { status?: EmailStatus; to?: string; limit: number },
): Promise<EmailRecord[]> {
  const query = emails(db).orderBy('created_at', 'desc').limit(filter.limit);
  if (filter.status) void query.where({ status: filter.status });
  if (filter.to) void query.whereRaw('lower(to_address) = lower(?)', [filter.to]);
  return query;
}
