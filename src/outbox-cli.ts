/**
 * `npm run outbox [-- --to <email>] [--status outbox|sent|failed|pending] [--limit <n>]`: prints
 * the newest emails, bodies included. In development (no POSTMARK_SERVER_TOKEN) this is where
 * verification and reset links end up. Reads DATABASE_URL, or the embedded PostgreSQL of a
 * running `npm run dev`.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from './config';
import { CLI_POOL_MAX, createDb } from './db/knex';
import { listEmails, type EmailStatus } from './db/repositories/email-messages';
import { operatorDatabaseUrl } from './dev/database-url';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      to: { type: 'string' },
      status: { type: 'string' },
      limit: { type: 'string', default: '10' },
    },
  });
  const config = loadConfig(process.env, 'development');
  const db = createDb(operatorDatabaseUrl(config), CLI_POOL_MAX);
  try {
    const emails = await listEmails(db, {
      limit: Number(values.limit),
      ...(values.to ? { to: values.to } : {}),
      ...(values.status ? { status: values.status as EmailStatus } : {}),
    });
    for (const email of emails.reverse()) {
      const error = email.last_error ? ` (${email.last_error})` : '';
      console.log(
        [
          `── ${email.created_at.toISOString()}  ${email.status}${error}  attempts ${email.attempts}`,
          `To: ${email.to_address}`,
          `Subject: ${email.subject}`,
          `Tag: ${email.tag}`,
          '',
          email.text_body,
          '',
        ].join('\n'),
      );
    }
    if (emails.length === 0) console.log('No emails.');
  } finally {
    await db.destroy();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
