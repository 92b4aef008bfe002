import { DELIVERY_STATUSES, type DeliveryStatus } from '../../../domain/delivery-status';
import type { AdminLoad, DeliveryStats, FinishedDay } from '../../../schemas/delivery-stats';
import { FINAL_STATUSES, STATS_DAYS } from '../../../schemas/delivery-stats';
import type { Queryable } from '../../knex';

export type StoredDeliveryStats = Omit<DeliveryStats, 'temporal_ui'>;

// Each predicate matches a partial index of the migration 20261207160000_delivery_stats_indexes
// word for word, so the planner reads the last 30 days of those events and nothing else.
const FINISHED_EVENT =
  "e.type in ('status_changed', 'cancelled') and e.to_status in ('COMPLETED', 'FAILED', 'CANCELLED')";
const FIRST_ASSIGNMENT = "e.type = 'assigned' and e.from_status = 'CREATED'";

/** Midnight starting `since` (YYYY-MM-DD) in the time zone: the window's first instant. */
const WINDOW_START = '(?::date)::timestamp at time zone ?';
/** The delivery's deadline: its drop-off window's end, or the end of its date in the zone. */
const DEADLINE = 'coalesce(d.dropoff_window_end, (d.delivery_date + 1)::timestamp at time zone ?)';

const PERSON_NAME =
  "coalesce(nullif(trim(users.first_name || ' ' || users.last_name), ''), users.email)";

interface Window {
  since: string;
  timeZone: string;
  partnerId: string | undefined;
}

/** A partner's own numbers include its sandbox deliveries; everyone's (the admins') leave them out. */
const partnerClause = (alias: string, partnerId: string | undefined) =>
  partnerId
    ? { sql: ` and ${alias}.partner_id = ?`, bindings: [partnerId] }
    : { sql: ` and not ${alias}.sandbox`, bindings: [] };

async function statusCounts(db: Queryable, partnerId: string | undefined) {
  const query = db('deliveries')
    .select('status')
    .count<{ status: DeliveryStatus; n: string }[]>('* as n')
    .groupBy('status');
  if (partnerId) query.where({ partner_id: partnerId });
  else query.where({ sandbox: false });
  const counts = Object.fromEntries(DELIVERY_STATUSES.map((status) => [status, 0])) as Record<
    DeliveryStatus,
    number
  >;
  for (const row of await query) counts[row.status] = Number(row.n);
  return counts;
}

/**
 * Every active admin with their open deliveries: the open ones are counted first, from the
 * (status, created_at, id) index, then joined to the admins, so the cost follows the open
 * deliveries rather than each admin's whole history (a lookup per admin took 4 ms at 100,000).
 */
async function adminLoads(db: Queryable, partnerId: string | undefined): Promise<AdminLoad[]> {
  const partner = partnerClause('d', partnerId);
  const result = await db.raw<{ rows: AdminLoad[] }>(
    `with held as materialized (
       select d.assigned_to,
              count(*) filter (where d.status = 'ASSIGNED')::int as assigned,
              count(*) filter (where d.status = 'IN_TRANSIT')::int as in_transit
         from deliveries d
        where d.status in ('ASSIGNED', 'IN_TRANSIT') and not d.sandbox${partner.sql}
        group by d.assigned_to
     )
     select users.id as admin_id, ${PERSON_NAME} as name, users.email,
            coalesce(held.assigned, 0) as "ASSIGNED",
            coalesce(held.in_transit, 0) as "IN_TRANSIT",
            coalesce(held.assigned + held.in_transit, 0) as open
       from users
       left join held on held.assigned_to = users.id
      where users.role = 'admin' and users.is_active
      order by open desc, lower(${PERSON_NAME}), users.id`,
    partner.bindings,
  );
  return result.rows;
}

interface FinishedRow {
  /** Null on the grand total row of the grouping sets. */
  day: string | null;
  to_status: string | null;
  n: number;
  completed: number;
  on_time: number;
  median: number | null;
}

/**
 * The deliveries finished in the window, in one pass over the partial index and one join per
 * event: counts per day and final status, and (the grand total row) how many were completed,
 * how many of those on time, and the median time from creation to completion.
 */
async function finishedInWindow(db: Queryable, window: Window) {
  const partner = partnerClause('d', window.partnerId);
  const result = await db.raw<{ rows: FinishedRow[] }>(
    `select to_char((e.at at time zone ?)::date, 'YYYY-MM-DD') as day, e.to_status,
            count(*)::int as n,
            count(*) filter (where e.to_status = 'COMPLETED')::int as completed,
            count(*) filter (where e.to_status = 'COMPLETED' and e.at <= ${DEADLINE})::int
              as on_time,
            percentile_cont(0.5) within group (order by extract(epoch from e.at - d.created_at))
              filter (where e.to_status = 'COMPLETED') as median
       from delivery_events e
       join deliveries d on d.id = e.delivery_id
      where ${FINISHED_EVENT} and e.at >= ${WINDOW_START}${partner.sql}
      group by grouping sets ((1, 2), ())`,
    [window.timeZone, window.timeZone, window.since, window.timeZone, ...partner.bindings],
  );
  const days = new Map<string, FinishedDay>();
  const first = Date.parse(`${window.since}T00:00:00Z`);
  for (let i = 0; i < STATS_DAYS; i++) {
    const date = new Date(first + i * 86_400_000).toISOString().slice(0, 10);
    days.set(date, { date, COMPLETED: 0, FAILED: 0, CANCELLED: 0 });
  }
  let total = { completed: 0, on_time: 0, median: null as number | null };
  for (const row of result.rows) {
    if (row.day === null) {
      total = row;
      continue;
    }
    const day = days.get(row.day);
    const status = FINAL_STATUSES.find((final) => final === row.to_status);
    if (day && status) day[status] += row.n;
  }
  return { days: [...days.values()], ...total };
}

async function assignmentMedian(db: Queryable, window: Window): Promise<number | null> {
  const partner = partnerClause('d', window.partnerId);
  const result = await db.raw<{ rows: { median: number | null }[] }>(
    `select percentile_cont(0.5) within group (order by extract(epoch from e.at - d.created_at))
              as median
       from delivery_events e
       join deliveries d on d.id = e.delivery_id
      where ${FIRST_ASSIGNMENT} and e.at >= ${WINDOW_START}${partner.sql}`,
    [window.since, window.timeZone, ...partner.bindings],
  );
  return result.rows[0]?.median ?? null;
}

/** Deliveries created since `today` began in the zone, from the (created_at, id) index. */
async function createdSince(db: Queryable, today: string, window: Window): Promise<number> {
  const partner = partnerClause('d', window.partnerId);
  const result = await db.raw<{ rows: { n: number }[] }>(
    `select count(*)::int as n from deliveries d
      where d.created_at >= ${WINDOW_START}${partner.sql}`,
    [today, window.timeZone, ...partner.bindings],
  );
  return result.rows[0]?.n ?? 0;
}

const seconds = (value: number | string | null) =>
  value === null ? null : Math.round(Number(value) * 1000) / 1000;

/**
 * The dispatcher's overview in five statements run side by side: counts per status, those
 * created today, each
 * admin's open deliveries, and, over the last STATS_DAYS days in `timeZone` (ending `today`),
 * the deliveries that reached a final status per day, the on-time share of the completed ones
 * and the median times from creation to first assignment and to completion.
 */
export async function deliveryStats(
  db: Queryable,
  options: { today: string; timeZone: string; partnerId?: string | undefined },
): Promise<StoredDeliveryStats> {
  const since = new Date(Date.parse(`${options.today}T00:00:00Z`) - (STATS_DAYS - 1) * 86_400_000)
    .toISOString()
    .slice(0, 10);
  const window: Window = { since, timeZone: options.timeZone, partnerId: options.partnerId };
  const [byStatus, createdToday, admins, finished, toAssigned] = await Promise.all([
    statusCounts(db, options.partnerId),
    createdSince(db, options.today, window),
    adminLoads(db, options.partnerId),
    finishedInWindow(db, window),
    assignmentMedian(db, window),
  ]);
  const { days, completed, on_time: onTime, median } = finished;
  return {
    time_zone: options.timeZone,
    today: options.today,
    total: Object.values(byStatus).reduce((sum, n) => sum + n, 0),
    by_status: byStatus,
    created_today: createdToday,
    admins,
    days,
    on_time: { completed, on_time: onTime, rate: completed === 0 ? null : onTime / completed },
    median_seconds: {
      created_to_assigned: seconds(toAssigned),
      created_to_completed: seconds(median),
    },
  };
}
