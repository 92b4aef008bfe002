/**
 * Operators' user administration: `npm run users -- <command> [options]`.
 *
 *   create --email E --role R [--first-name F] [--last-name L] [--password P]
 *   list [--role R] [--q TEXT] [--inactive]
 *   deactivate --email E
 *
 * Without --password the password is read from standard input (first line) or, on a terminal,
 * prompted for without echo. The database is DATABASE_URL or, in development, the embedded
 * database of a running `npm run dev` (PG_PORT).
 */
import { parseArgs } from 'node:util';
import { applyUserChanges, createAccount } from './accounts/users';
import { ConfigError, loadConfig } from './config';
import { CLI_POOL_MAX, createDb, type Db } from './db/knex';
import { findUserByEmail, listUsers } from './db/repositories/users';
import { operatorDatabaseUrl } from './dev/database-url';
import { DomainError, ValidationError } from './domain/errors';
import { ROLES, type Role } from './domain/roles';

const USAGE = `Usage: npm run users -- <command> [options]
  create --email E --role ${ROLES.join('|')} [--first-name F] [--last-name L] [--password P]
  list [--role R] [--q TEXT] [--inactive]
  deactivate --email E`;

class UsageError extends Error {}

function promptHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (result: () => void) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stdout.write('\n');
      result();
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return finish(() => resolve(value));
        if (ch === '\u0003') return finish(() => reject(new UsageError('Cancelled.')));
        value = ch === '\u007f' ? value.slice(0, -1) : value + ch;
      }
    };
    process.stdout.write(question);
    stdin.setRawMode(true);
    stdin.setEncoding('utf8');
    stdin.on('data', onData);
    stdin.resume();
  });
}

async function readPassword(): Promise<string> {
  if (process.stdin.isTTY) return promptHidden('Password: ');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0] ?? '';
}

function asRole(value: string | undefined): Role {
  if (!ROLES.includes(value as Role))
    throw new UsageError(`--role must be one of ${ROLES.join(', ')}`);
  return value as Role;
}

function required(value: string | undefined, flag: string): string {
  if (!value) throw new UsageError(`${flag} is required`);
  return value;
}

type Options = Record<string, string | boolean | undefined>;
const text = (options: Options, name: string) => options[name] as string | undefined;

async function run(db: Db, command: string | undefined, options: Options): Promise<void> {
  if (command === 'create') {
    const email = required(text(options, 'email'), '--email');
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email)) throw new UsageError(`Not an email: ${email}`);
    const role = asRole(text(options, 'role'));
    const password = text(options, 'password') ?? (await readPassword());
    const user = await createAccount(
      db,
      {
        email,
        password,
        role,
        first_name: text(options, 'first-name') ?? '',
        last_name: text(options, 'last-name') ?? '',
      },
      { verified: true },
    );
    console.log(`created ${user.role} ${user.email} (${user.id})`);
  } else if (command === 'list') {
    const role = text(options, 'role');
    const page = await listUsers(
      db,
      {
        role: role === undefined ? undefined : asRole(role),
        q: text(options, 'q'),
        is_active: options['inactive'] ? false : undefined,
      },
      { limit: 100 },
    );
    for (const u of page.rows) {
      console.log([u.id, u.email, u.role, u.is_active ? 'active' : 'inactive'].join('\t'));
    }
    if (page.next_cursor) console.log('… more than 100: narrow with --role or --q');
  } else if (command === 'deactivate') {
    const email = required(text(options, 'email'), '--email');
    const row = await findUserByEmail(db, email);
    if (!row) throw new UsageError(`No user has the email ${email}`);
    await applyUserChanges(db, row.id, { is_active: false });
    console.log(`deactivated ${row.email}; their sessions are revoked`);
  } else {
    throw new UsageError(command ? `Unknown command: ${command}` : 'No command given');
  }
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      email: { type: 'string' },
      role: { type: 'string' },
      password: { type: 'string' },
      'first-name': { type: 'string' },
      'last-name': { type: 'string' },
      q: { type: 'string' },
      inactive: { type: 'boolean' },
    },
  });
  const config = loadConfig(process.env, 'development');
  const db = createDb(operatorDatabaseUrl(config), CLI_POOL_MAX);
  try {
    await run(db, positionals[0], values);
  } finally {
    await db.destroy();
  }
}

function explain(error: unknown): string {
  if (error instanceof ValidationError) {
    return `${error.message} ${error.errors.map((e) => `${e.field} ${e.message}`).join('; ')}`;
  }
  if (error instanceof UsageError) return `${error.message}\n${USAGE}`;
  if (error instanceof DomainError || error instanceof ConfigError) return error.message;
  const code = (error as { code?: string }).code;
  if (code === 'ECONNREFUSED') {
    return 'Cannot reach the database: set DATABASE_URL, or start `npm run dev` for the embedded one.';
  }
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') return `${String(error)}\n${USAGE}`;
  return String(error instanceof Error ? (error.stack ?? error) : error);
}

main().catch((error: unknown) => {
  console.error(explain(error));
  process.exit(1);
});
