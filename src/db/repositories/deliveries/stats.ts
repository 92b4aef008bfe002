import { DELIVERY_STATUSES, type DeliveryStatus } from '../../../domain/delivery-status';
import type { AdminLoad, DeliveryStats, FinishedDay } from '../../../schemas/delivery-stats';
import { FINAL_STATUSES, STATS_DAYS } from '../../../schemas/delivery-stats';
import type { Queryable } from '../../knex';

export type StoredDeliveryStats = Omit<DeliveryStats, 'temporal_ui'>;

// Each predicate matches a partial index of the migration 20261207150000_delivery_stats_indexes
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

const partnerClause = (alias: string, partnerId: string | undefined) =>
  partnerId
    ? { sql: ` and ${alias}.partner_id = ?`, bindings: [partnerId] }
    : { sql: '', bindings: [] };

async function statusCounts(db: Queryable, partnerId: string | undefined) {
  const query = db('deliveries')
    .select('status')
    .count<{ status: DeliveryStatus; n: string }[]>('* as n')
    .groupBy('status');
  if (partnerId) query.where({ partner_id: partnerId });
  const counts = Object.fromEntries(DELIVERY_STATUSES.map((status) => [status, 0])) as Record<
    DeliveryStatus,
    number
  >;
  for (const row of await query) counts[row.status] = Number(row.n);
  return counts;
}

/** Every active admin with their open deliveries, from the (status, created_at, id) index. */
async function adminLoads(db: Queryable, partnerId: string | undefined): Promise<AdminLoad[]> {
  const partner = partnerClause('d', partnerId);
  const result = await db.raw<{ rows: AdminLoad[] }>(
    `select users.id as admin_id, ${PERSON_NAME} as name, users.email,
            count(d.id) filter (where d.status = 'ASSIGNED')::int as "ASSIGNED",
            count(d.id) filter (where d.status = 'IN_TRANSIT')::int as "IN_TRANSIT",
            count(d.id)::int as open
       from users
       left join deliveries d
         on d.assigned_to = users.id and d.status in ('ASSIGNED', 'IN_TRANSIT')${partner.sql}
      where users.role = 'admin' and users.is_active
      group by users.id
      order by open desc, lower(${PERSON_NAME}), users.id`,
    partner.bindings,
  );
  return result.rows;
}

async function finishedDays(db: Queryable, window: Window): Promise<FinishedDay[]> {
  const partner = partnerClause('d', window.partnerId);
  const result = await db.raw<{ rows: { day: string; to_status: string; n: number }[] }>(
    `select to_char((e.at at time zone ?)::date, 'YYYY-MM-DD') as day, e.to_status, count(*)::int as n
       from delivery_events e
       join deliveries d on d.id = e.delivery_id
      where ${FINISHED_EVENT} and e.at >= ${WINDOW_START}${partner.sql}
      group by 1, 2`,
    [window.timeZone, window.since, window.timeZone, ...partner.bindings],
  );
  const days = new Map<string, FinishedDay>();
  const first = Date.parse(`${window.since}T00:00:00Z`);
  for (let i = 0; i < STATS_DAYS; i++) {
    const date = new Date(first + i * 86_400_000).toISOString().slice(0, 10);
    days.set(date, { date, COMPLETED: 0, FAILED: 0, CANCELLED: 0 });
  }
  for (const row of result.rows) {
    const day = days.get(row.day);
    const status = FINAL_STATUSES.find((final) => final === row.to_status);
    if (day && status) day[status] += row.n;
  }
  return [...days.values()];
}

async function completionTimes(db: Queryable, window: Window) {
  const partner = partnerClause('d', window.partnerId);
  const result = await db.raw<{
    rows: { completed: number; on_time: number; median: number | null }[];
  }>(
    `select count(*)::int as completed,
            count(*) filter (where e.at <= ${DEADLINE})::int as on_time,
            percentile_cont(0.5) within group (order by extract(epoch from e.at - d.created_at))
              as median
       from delivery_events e
       join deliveries d on d.id = e.delivery_id
      where ${FINISHED_EVENT} and e.to_status = 'COMPLETED'
        and e.at >= ${WINDOW_START}${partner.sql}`,
    [window.timeZone, window.since, window.timeZone, ...partner.bindings],
  );
  return result.rows[0] ?? { completed: 0, on_time: 0, median: null };
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

const seconds = (value: number | string | null) =>
  value === null ? null : Math.round(Number(value) * 1000) / 1000;

/**
 * The dispatcher's overview in five statements run side by side: counts per status, each
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
  const [byStatus, admins, days, completion, toAssigned] = await Promise.all([
    statusCounts(db, options.partnerId),
    adminLoads(db, options.partnerId),
    finishedDays(db, window),
    completionTimes(db, window),
    assignmentMedian(db, window),
  ]);
  return {
    time_zone: options.timeZone,
    today: options.today,
    total: Object.values(byStatus).reduce((sum, n) => sum + n, 0),
    by_status: byStatus,
    admins,
    days,
    on_time: {
      completed: completion.completed,
      on_time: completion.on_time,
      rate: completion.completed === 0 ? null : completion.on_time / completion.completed,
    },
    median_seconds: {
      created_to_assigned: seconds(toAssigned),
      created_to_completed: seconds(completion.median),
    },
  };
}
