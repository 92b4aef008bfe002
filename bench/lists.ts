/**
 * List latency at scale: seeds deliveries straight into PostgreSQL (100,000 by default), runs
 * VACUUM ANALYZE, then times every documented filter of `GET /api/v1/deliveries` over HTTP for each
 * role scope (partner: own; admin: assigned; super admin: all), one request at a time.
 * Goal: p99 <= 20 ms for every row. Timing goals live here, not in tests.
 *
 * Alone: `npx tsx bench/lists.ts` starts the test stack, prints the table and stops.
 * Options: BENCH_LIST_ROWS (default 100000), BENCH_LIST_REQUESTS per filter (default 200).
 * From another bench: `await benchLists({ baseUrl, db, tokens, partnerId, adminId })` on a running
 * stack; it prints each row as it goes and returns them. The seeded rows stay (they have no
 * workflows), so run it on a throwaway database.
 */
import type { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { closeServer, listen } from '../src/api/listen';
import { encodeCursor } from '../src/db/pagination';
import type { DeliveryFilters } from '../src/db/repositories/deliveries';
import { baseUrl } from '../test/support/base-url';
import { startStack, stopStack } from '../test/support/stack';
import { createUserWithToken } from '../test/support/users';
import { percentile, runScript } from './support';

export type Scope = 'partner' | 'admin' | 'super_admin';

export interface ListBenchOptions {
  /** Origin of the running API, e.g. `http://127.0.0.1:3000`; requests go to `/api/v1/...`. */
  baseUrl: string;
  db: Knex;
  /** Bearer access tokens for the partner, the admin and any super admin. */
  tokens: { partner: string; admin: string; superAdmin: string };
  /** The users behind `tokens.partner` and `tokens.admin`: they own a share of the seeded rows. */
  partnerId: string;
  adminId: string;
  /** Rows to seed; default 100,000. */
  rows?: number;
  /** Sequential requests per filter and scope; default 200. */
  requests?: number;
}

export interface ListResult {
  scope: Scope;
  filter: string;
  /** The query string sent, without `?`. */
  query: string;
  requests: number;
  p50: number;
  p99: number;
  max: number;
  /** Size of the first page: shows whether the filter matched anything. */
  pageRows: number;
}

export interface SeedOptions {
  count: number;
  /** Rows spread over all of these, and `focusShare` more of them to the first of each. */
  partnerIds: readonly string[];
  adminIds: readonly string[];
  focusShare: number;
  /** Delivery dates and ages are spread over this many days before now. */
  days?: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The only rarely seeded product: the "q matches a few" filter looks for it. */
export const RARE_PRODUCT = 'Theremin';
const PRODUCTS = [
  'Espresso machine',
  'Standing desk',
  'Office chair',
  'Bookshelf',
  'Road bike',
  'Washing machine',
  'Dishwasher',
  'Sofa',
  'Bed frame',
  'Mattress',
  'Television',
  'Laptop',
  'Monitor',
  'Printer',
  'Fridge',
  'Microwave',
  'Kettle',
  'Toaster',
  'Vacuum cleaner',
  'Lawn mower',
  'Guitar',
  'Piano stool',
  'Dining table',
  'Wardrobe',
  'Lamp',
  'Rug',
  'Mirror',
  'Bicycle helmet',
  'Air purifier',
  'Coffee grinder',
];
const STREETS = ['Main', 'Station', 'High', 'Church', 'Park', 'Mill', 'Victoria', 'Green'];
const SUFFIXES = ['Street', 'Road', 'Lane', 'Avenue'];
const CITIES = ['Springfield', 'Riverton', 'Lakeside', 'Hillview', 'Oakham', 'Bridgeport'];
const FIRST = ['Ada', 'Grace', 'Alan', 'Edsger', 'Barbara', 'Donald', 'Margaret', 'Dennis'];
const LAST = ['Lovelace', 'Hopper', 'Turing', 'Dijkstra', 'Liskov', 'Knuth', 'Hamilton', 'Ritchie'];

const textArray = (values: readonly string[]) =>
  `array[${values.map((v) => `'${v.replace(/'/g, "''")}'`).join(', ')}]`;

function uuidArray(ids: readonly string[]): string {
  if (ids.length === 0 || !ids.every((id) => UUID.test(id))) {
    throw new Error('seed owners must be a non-empty list of UUIDs');
  }
  return `array[${ids.map((id) => `'${id}'`).join(', ')}]::uuid[]`;
}

const pick = (array: string, random: string, size: number) =>
  `(${array})[1 + floor(${random} * ${size})::int]`;

/**
 * One INSERT … SELECT generate_series into `deliveries` (whichever the search path finds first),
 * with no bind parameters so any client can run it: ids are checked to be UUIDs. Rows are spread
 * newest to oldest over `days`; young rows are still moving (CREATED, ASSIGNED, IN_TRANSIT), old
 * ones are finished; the delivery date is 0–14 days after creation, as the API demands a date
 * from today on; one row in 1,000 is a RARE_PRODUCT.
 */
export function seedDeliveriesSql(opts: SeedOptions): string {
  const days = opts.days ?? 730;
  if (!Number.isInteger(opts.count) || opts.count < 1 || !Number.isInteger(days) || days < 1) {
    throw new Error('seed count and days must be positive integers');
  }
  if (!(opts.focusShare >= 0 && opts.focusShare < 1)) throw new Error('focusShare is in [0, 1)');
  const owner = (ids: readonly string[], random: string) =>
    `case when ${random} < ${opts.focusShare} then '${ids[0]}'::uuid ` +
    `else ${pick(uuidArray(ids), `((${random} - ${opts.focusShare}) / ${1 - opts.focusShare})`, ids.length)} end`;
  return `
    with drawn as materialized (
      select gen_random_uuid() as id,
             now() - (g - random()) * interval '${days} days' / ${opts.count} as created_at,
             random() as r_status, random() as r_partner, random() as r_admin,
             random() as r_product, random() as r_code, random() as r_number,
             random() as r_street, random() as r_suffix, random() as r_city,
             random() as r_recipient, random() as r_first, random() as r_last, random() as r_date
        from generate_series(1, ${opts.count}) g
    ), shaped as (
      select *,
             case
               when now() - created_at < interval '1 day'
                 then ${pick(textArray(['CREATED', 'ASSIGNED', 'IN_TRANSIT']), 'r_status', 3)}
               when now() - created_at < interval '3 days'
                 then ${pick(textArray(['ASSIGNED', 'IN_TRANSIT', 'COMPLETED', 'FAILED', 'CANCELLED']), 'r_status', 5)}
               when r_status < 0.85 then 'COMPLETED'
               when r_status < 0.93 then 'CANCELLED'
               else 'FAILED'
             end as status
        from drawn
    )
    insert into deliveries (id, workflow_id, idempotency_key, payload_hash, status, partner_id,
                            assigned_to, product_name, delivery_address, recipient_name,
                            delivery_date, created_at, updated_at)
    select id, 'seed-' || id, 'seed-' || id, 'seed', status,
           ${owner(opts.partnerIds, 'r_partner')},
           case when status = 'CREATED' or (status = 'CANCELLED' and r_admin < 0.3) then null
                else ${owner(opts.adminIds, 'r_admin')} end,
           case when r_code < 0.001 then '${RARE_PRODUCT}'
                else ${pick(textArray(PRODUCTS), 'r_product', PRODUCTS.length)} end
             || ' ' || upper(substr(md5(id::text), 1, 6)),
           (1 + floor(r_number * 200)::int) || ' '
             || ${pick(textArray(STREETS), 'r_street', STREETS.length)} || ' '
             || ${pick(textArray(SUFFIXES), 'r_suffix', SUFFIXES.length)} || ', '
             || ${pick(textArray(CITIES), 'r_city', CITIES.length)},
           case when r_recipient < 0.15 then null
                else ${pick(textArray(FIRST), 'r_first', FIRST.length)} || ' '
                  || ${pick(textArray(LAST), 'r_last', LAST.length)} end,
           (created_at at time zone 'UTC')::date + floor(r_date * 15)::int,
           created_at, created_at
      from shaped`;
}

export interface ListCase {
  name: string;
  filters: DeliveryFilters;
  cursor?: string;
  /** False where no index can answer: a `q` shorter than a trigram is checked row by row. */
  indexable: boolean;
}

const day = (offset: number) =>
  new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

/**
 * Each documented filter with values that exercise it (many, few and no matches), against rows
 * seeded by `seedDeliveriesSql` for the given partner and admin. Shared with the plan test.
 */
export function listCases(partnerId: string, adminId: string): ListCase[] {
  const yearAgo = `${new Date(Date.now() - 365 * 86_400_000).toISOString().slice(0, 23)}000Z`;
  const cases: Omit<ListCase, 'indexable'>[] = [
    { name: 'none', filters: {} },
    { name: 'status=IN_TRANSIT (recent)', filters: { status: 'IN_TRANSIT' } },
    { name: 'status=FAILED (old)', filters: { status: 'FAILED' } },
    { name: 'status=CREATED', filters: { status: 'CREATED' } },
    { name: 'assigned_to', filters: { assigned_to: adminId } },
    { name: 'partner_id', filters: { partner_id: partnerId } },
    { name: 'date next week', filters: { date_from: day(0), date_to: day(7) } },
    { name: 'date week a year ago', filters: { date_from: day(-365), date_to: day(-358) } },
    { name: 'date_to a year ago', filters: { date_to: day(-365) } },
    { name: 'q matches many', filters: { q: 'desk' } },
    { name: 'q matches few', filters: { q: RARE_PRODUCT.toLowerCase() } },
    { name: 'q no match', filters: { q: 'zebra crossing' } },
    { name: 'q no match, common words', filters: { q: 'Road, Main' } },
    { name: 'q 3 chars, no match', filters: { q: 'qzx' } },
    {
      name: 'all filters',
      filters: { status: 'COMPLETED', date_from: day(-400), date_to: day(-300), q: 'chair' },
    },
    { name: 'page from a year ago', filters: {}, cursor: encodeCursor([yearAgo, randomUUID()]) },
  ];
  return cases.map((c) => ({ ...c, indexable: !c.filters.q || c.filters.q.length >= 3 }));
}

function queryString(c: ListCase): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(c.filters)) if (value) params.set(key, String(value));
  if (c.cursor) params.set('cursor', c.cursor);
  return params.toString();
}

async function timeFilter(
  url: string,
  token: string,
  requests: number,
): Promise<{ ms: number[]; pageRows: number }> {
  const get = async () => {
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as { data?: unknown[] };
    if (res.status !== 200) throw new Error(`${url} answered ${res.status}`);
    return body.data?.length ?? 0;
  };
  let pageRows = 0;
  for (let i = 0; i < 10; i++) pageRows = await get(); // warm-up: connections, plans, caches
  const ms: number[] = [];
  for (let i = 0; i < requests; i++) {
    const start = performance.now();
    await get();
    ms.push(performance.now() - start);
  }
  return { ms, pageRows };
}

export function formatListResult(r: ListResult): string {
  const flag = r.p99 > 20 ? '  OVER 20 ms' : '';
  return (
    `${r.scope.padEnd(11)} ${r.filter.padEnd(26)} n=${r.requests} p50=${r.p50.toFixed(1)}ms ` +
    `p99=${r.p99.toFixed(1)}ms max=${r.max.toFixed(1)}ms page=${r.pageRows}${flag}`
  );
}

export async function createOwners(db: Knex, role: 'partner' | 'admin', count: number) {
  const run = randomUUID();
  const rows = Array.from({ length: count }, (_, i) => ({
    email: `bench-${role}-${i}-${run}@example.test`,
    // Never a valid argon2 hash: these users cannot log in.
    password_hash: 'bench-no-login',
    role,
  }));
  const inserted = (await db('users').insert(rows).returning('id')) as { id: string }[];
  return inserted.map((r) => r.id);
}

/**
 * The trigram indexes keep fastupdate off (see the migration), which makes a bulk insert about
 * four times slower. While seeding they batch their upkeep; VACUUM then merges the pending list,
 * as autovacuum would have long done on a real table, and the setting is put back.
 */
export async function withBatchedGinUpkeep(db: Knex, seed: () => Promise<unknown>): Promise<void> {
  const { rows } = await db.raw<{ rows: { name: string }[] }>(
    `select c.relname as name
       from pg_index i join pg_class c on c.oid = i.indexrelid join pg_am am on am.oid = c.relam
      where i.indrelid = 'deliveries'::regclass and am.amname = 'gin'
        and 'fastupdate=off' = any(c.reloptions)`,
  );
  const setFastUpdate = (on: boolean) =>
    Promise.all(
      rows.map(({ name }) =>
        db.raw(`alter index ?? set (fastupdate = ${on ? 'on' : 'off'})`, [name]),
      ),
    );
  await setFastUpdate(true);
  try {
    await seed();
    await db.raw('vacuum analyze deliveries');
  } finally {
    await setFastUpdate(false);
  }
}

export async function benchLists(opts: ListBenchOptions): Promise<ListResult[]> {
  const rows = opts.rows ?? 100_000;
  const requests = opts.requests ?? 200;
  const { db } = opts;

  let start = performance.now();
  const partners = [opts.partnerId, ...(await createOwners(db, 'partner', 199))];
  const admins = [opts.adminId, ...(await createOwners(db, 'admin', 49))];
  await withBatchedGinUpkeep(db, () =>
    db.raw(
      seedDeliveriesSql({ count: rows, partnerIds: partners, adminIds: admins, focusShare: 0.1 }),
    ),
  );
  console.log(
    `seeded ${rows} deliveries over ${partners.length} partners and ${admins.length} admins ` +
      `(10% each to the given partner and admin) in ${((performance.now() - start) / 1000).toFixed(1)}s`,
  );

  const scopes: [Scope, string][] = [
    ['partner', opts.tokens.partner],
    ['admin', opts.tokens.admin],
    ['super_admin', opts.tokens.superAdmin],
  ];
  const results: ListResult[] = [];
  start = performance.now();
  for (const [scope, token] of scopes) {
    for (const listCase of listCases(opts.partnerId, opts.adminId)) {
      const query = queryString(listCase);
      const url = `${opts.baseUrl}/api/v1/deliveries${query ? `?${query}` : ''}`;
      const { ms, pageRows } = await timeFilter(url, token, requests);
      const sorted = ms.sort((a, b) => a - b);
      const result: ListResult = {
        scope,
        filter: listCase.name,
        query,
        requests,
        p50: percentile(sorted, 0.5),
        p99: percentile(sorted, 0.99),
        max: sorted.at(-1)!,
        pageRows,
      };
      console.log(formatListResult(result));
      results.push(result);
    }
  }
  console.log(`measured in ${((performance.now() - start) / 1000).toFixed(1)}s`);
  return results;
}

async function main(): Promise<void> {
  const { app, db } = await startStack();
  const server = await listen(app, 0, '127.0.0.1');
  try {
    const partner = await createUserWithToken({ role: 'partner' });
    const admin = await createUserWithToken({ role: 'admin' });
    const superAdmin = await createUserWithToken({ role: 'super_admin' });
    const results = await benchLists({
      baseUrl: baseUrl(server),
      db,
      tokens: { partner: partner.token, admin: admin.token, superAdmin: superAdmin.token },
      partnerId: partner.user.id,
      adminId: admin.user.id,
      rows: Number(process.env['BENCH_LIST_ROWS'] ?? 100_000),
      requests: Number(process.env['BENCH_LIST_REQUESTS'] ?? 200),
    });
    const over = results.filter((r) => r.p99 > 20);
    console.log(
      over.length ? `${over.length} filters over 20 ms p99` : 'every filter p99 <= 20 ms',
    );
  } finally {
    await closeServer(server);
    await stopStack();
  }
}

if (require.main === module) runScript(main);
