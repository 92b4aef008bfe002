import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { listCases, seedDeliveriesSql, type ListCase } from '../../bench/lists';
import { listDeliveries, type Viewer } from '../../src/db/repositories/deliveries';
import type { Role } from '../../src/domain/roles';
import { stack } from '../support/stack';

/**
 * Plans, not timings (those live in bench/lists.ts). The planner only shows its hand at scale, so
 * the rows go into a private copy of `deliveries`: a table of the same name in a schema of its
 * own, first on the search path of one session, carrying every index the migrations put on the
 * real table (read back from the catalogue). The statement explained is the one `listDeliveries`
 * sends; it names `deliveries` unqualified, so the session plans it against the copy. Nothing
 * reaches the shared table, and the schema is dropped afterwards.
 */
const ROWS = 100_000;

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  'Index Cond'?: string;
  'Plan Rows'?: number;
  'Actual Rows'?: number;
  Plans?: PlanNode[];
}

const flatten = (node: PlanNode): PlanNode[] => [node, ...(node.Plans ?? []).flatMap(flatten)];

interface SentQuery {
  sql: string;
  bindings: unknown[];
}

/** What `listDeliveries` sends to PostgreSQL: `$n` placeholders and their values. */
async function statementOf(viewer: Viewer, c: ListCase) {
  const knex = stack().db;
  const sent: SentQuery[] = [];
  const record = (query: SentQuery) => sent.push(query);
  knex.on('query', record);
  try {
    await listDeliveries(knex, viewer, c.filters, { limit: 20, cursor: c.cursor });
  } finally {
    knex.off('query', record);
  }
  const lists = sent.filter((q) => q.sql.includes('as sort_ts from "deliveries"'));
  expect(lists, 'one list query').to.have.length(1);
  return lists[0]!;
}

describe('deliveries list: query plans at 100,000 rows', () => {
  const schema = `list_plans_${randomUUID().replace(/-/g, '')}`;
  const partners = Array.from({ length: 200 }, () => randomUUID());
  const admins = Array.from({ length: 50 }, () => randomUUID());
  const viewers: Record<Role, Viewer> = {
    partner: { id: partners[0]!, role: 'partner' },
    admin: { id: admins[0]!, role: 'admin' },
    super_admin: { id: randomUUID(), role: 'super_admin' },
  };
  const cases = listCases(partners[0]!, admins[0]!);
  let session: pg.Client;

  const planOf = async (role: Role, caseName: string, analyze = false): Promise<PlanNode[]> => {
    const listCase = cases.find((c) => c.name === caseName)!;
    const { sql, bindings } = await statementOf(viewers[role], listCase);
    const result = await session.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(
      `explain (format json${analyze ? ', analyze' : ''}) ${sql}`,
      bindings,
    );
    return flatten(result.rows[0]!['QUERY PLAN'][0]!.Plan);
  };

  before(async () => {
    session = new pg.Client({ connectionString: stack().databaseUrl });
    await session.connect();
    const indexes = await session.query<{ indexdef: string }>(
      `select indexdef from pg_indexes where schemaname = 'public' and tablename = 'deliveries'`,
    );
    await session.query(`create schema ${schema}`);
    await session.query(`set search_path = ${schema}, public`);
    await session.query(
      `create table ${schema}.deliveries
         (like public.deliveries including defaults including constraints)`,
    );
    await session.query('select setseed(0.2026)');
    await session.query(
      seedDeliveriesSql({ count: ROWS, partnerIds: partners, adminIds: admins, focusShare: 0.1 }),
    );
    // Built after the rows are in: one bulk build each is much faster than row-by-row upkeep.
    for (const { indexdef } of indexes.rows) {
      await session.query(indexdef.replace(' ON public.deliveries ', ` ON ${schema}.deliveries `));
    }
    // An index definition leaves out the statistics its expressions keep, which the plans read.
    const targets = await session.query<{ index: string; column: number; target: number }>(
      `select c.relname as index, a.attnum as column, a.attstattarget as target
         from pg_index i join pg_class c on c.oid = i.indexrelid
         join pg_attribute a on a.attrelid = i.indexrelid
        where i.indrelid = 'public.deliveries'::regclass and a.attstattarget > 0`,
    );
    for (const { index, column, target } of targets.rows) {
      await session.query(`alter index ${index} alter column ${column} set statistics ${target}`);
    }
    await session.query('analyze deliveries');
  });

  after(async () => {
    // Also when `before` failed part way: whatever was built goes.
    await session?.query(`drop schema if exists ${schema} cascade`);
    await session?.end();
  });

  it('when the copy is built, then it carries the list indexes and is the one the session sees', async () => {
    const { rows } = await session.query<{ indexname: string }>(
      `select indexname from pg_indexes where schemaname = $1 and tablename = 'deliveries'`,
      [schema],
    );
    expect(rows.map((r) => r.indexname)).to.include.members([
      'deliveries_status_created_at_id_index',
      'deliveries_delivery_date_index',
      'deliveries_search_trgm_index',
    ]);
    const seen = await session.query<{ n: string; schema: string }>(
      `select count(*) as n, (select relnamespace::regnamespace::text from pg_class
                                where oid = 'deliveries'::regclass) as schema
         from deliveries`,
    );
    expect(seen.rows[0]).to.deep.equal({ n: String(ROWS), schema });
  });

  // A q of one or two characters holds no trigram: it is checked row by row in scope (see
  // bench/lists.ts for what that costs), so those cases are left out here.
  for (const role of ['partner', 'admin', 'super_admin'] as const) {
    for (const { name } of cases.filter((c) => c.indexable)) {
      it(`when listing as ${role} with ${name}, then no step reads deliveries sequentially`, async () => {
        const scans = (await planOf(role, name)).filter(
          (n) => n['Node Type'] === 'Seq Scan' && n['Relation Name'] === 'deliveries',
        );
        expect(scans).to.deep.equal([]);
      });
    }
  }

  // Walking the newest-first index is no sequential scan, yet reads the whole table when nothing
  // matches: these are the cases each new index exists for.
  const usesIndex = async (role: Role, caseName: string, index: string) => {
    const used = (await planOf(role, caseName)).map((n) => n['Index Name']);
    expect(used, `${role}, ${caseName}`).to.include(index);
  };

  // "q matches few" once walked newest first through most of the table (see the migration
  // 20261126131500_delivery_search_statistics).
  it('when q matches few or nothing, then the search index answers it', async () => {
    for (const role of ['partner', 'admin', 'super_admin'] as const) {
      for (const name of ['q matches few', 'q no match', 'q no match, common words']) {
        await usesIndex(role, name, 'deliveries_search_trgm_index');
      }
    }
  });

  // Taken word by word, "Road, Main" is in every row on a Main ... Road (3% here), each of them
  // read and rejected; the search text keeps the comma and space between the words.
  it('when q is a phrase of common words found nowhere, then the index finds no candidates', async () => {
    const plan = await planOf('super_admin', 'q no match, common words', true);
    const search = plan.find((n) => n['Index Name'] === 'deliveries_search_trgm_index');
    expect(search?.['Actual Rows'], 'candidates from the search index').to.equal(0);
  });

  // At the default 100 histogram bins, Theremin (one delivery in a thousand) read as 1% or 0.01%,
  // depending on the sample.
  it('when q matches few, then the planner expects about as many candidates as there are', async () => {
    for (const role of ['partner', 'admin', 'super_admin'] as const) {
      const plan = await planOf(role, 'q matches few', true);
      const search = plan.find((n) => n['Index Name'] === 'deliveries_search_trgm_index');
      const [expected, found] = [search?.['Plan Rows'] ?? 0, search?.['Actual Rows'] ?? 0];
      expect(expected, `${role}: expected vs ${found} found`).to.be.within(found / 3, found * 3);
    }
  });

  it('when listing up to a past due date, then the newest-first walk starts near that date', async () => {
    const conditions = (await planOf('super_admin', 'date_to a year ago')).map(
      (n) => n['Index Cond'] ?? '',
    );
    expect(
      conditions.some((c) => /created_at </.test(c)),
      conditions.join('; '),
    ).to.equal(true);
  });

  it('when the app queries, then its connection does not JIT-compile plans', async () => {
    const { rows } = await stack().db.raw<{ rows: { jit: string }[] }>('show jit');
    expect(rows).to.deep.equal([{ jit: 'off' }]);
  });

  it('when a row is due before the day it was created, then the table refuses it', async () => {
    const refused = await session
      .query(
        `insert into deliveries (id, workflow_id, idempotency_key, payload_hash, status, partner_id,
                                 product_name, delivery_address, delivery_date, created_at,
                                 updated_at)
         values (gen_random_uuid(), 'late', 'late', 'late', 'CREATED', $1, 'Lamp', '1 Main St',
                 date '2026-03-01', timestamptz '2026-03-03T00:00:00Z', now())`,
        [partners[0]],
      )
      .then(
        () => undefined,
        (error: { code?: string; constraint?: string }) => error,
      );
    expect(refused).to.include({
      code: '23514',
      constraint: 'deliveries_due_not_before_creation_check',
    });
  });

  it('when a status has no rows in scope, then the status index answers', async () => {
    await usesIndex('admin', 'status=CREATED', 'deliveries_status_created_at_id_index');
  });

  // A far date window may be answered by the delivery date index or by walking newest-first and
  // stopping at a page; which one depends on the statistics ANALYZE sampled, so only the absence
  // of a sequential scan (above) is asserted for it, and bench/lists.ts reports its time.
});
