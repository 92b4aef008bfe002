import { OPEN_STATUSES } from '../../../domain/delivery-status';
import { deliveryScope, type Viewer } from '../../../domain/delivery-visibility';
import type { AdminWorkload } from '../../../schemas/admin-workload';
import type { DeliveryEventDetails, DeliveryProof } from '../../../domain/delivery-events';
import type { Delivery, DeliveryListQuery, TimelineEvent } from '../../../schemas/deliveries';
import type { TrackedDelivery, TrackedEvent } from '../../../tracking/public-view';

/** A timeline event as stored: its proof's attachments without the links the API adds. */
export type StoredTimelineEvent = Omit<TimelineEvent, 'proof'> & { proof: DeliveryProof | null };
import { DeliveryModel } from '../../models/delivery';
import { keysetPage, likePattern, type Page, type SortOrder } from '../../pagination';
import type { Queryable } from '../../knex';

/** A delivery as stored: the record plus its tracking link's current token. */
export type StoredDelivery = Delivery &
  Pick<DeliveryModel, 'tracking_token'> &
  Partial<Pick<DeliveryModel, 'attention'>>;

/** The delivery with the hash of the request that created it, to tell a repeat from a reuse. */
export type DeliveryWithKey = StoredDelivery & Pick<DeliveryModel, 'payload_hash'>;

/** node-pg reads a DATE as local midnight; the local calendar fields are the stored date. */
function calendarDate(value: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())}`;
}

const isoOrNull = (value: Date | null) => (value === null ? null : new Date(value).toISOString());

function toDelivery(row: DeliveryModel): StoredDelivery {
  const windowStart = isoOrNull(row.dropoff_window_start);
  const windowEnd = isoOrNull(row.dropoff_window_end);
  return {
    id: row.id,
    workflow_id: row.workflow_id,
    status: row.status,
    product_name: row.product_name,
    delivery_address: row.delivery_address,
    delivery_date: calendarDate(row.delivery_date),
    recipient_name: row.recipient_name,
    recipient_phone: row.recipient_phone,
    notes: row.notes,
    recipient_email: row.recipient_email,
    dropoff_window: windowStart && windowEnd ? { start: windowStart, end: windowEnd } : null,
    proof_required: row.proof_required,
    sandbox: row.sandbox,
    partner_id: row.partner_id,
    assigned_to: row.assigned_to,
    failure_reason: row.failure_reason,
    proof: row.proof,
    tracking_token: row.tracking_token,
    attention: row.attention,
    created_at: new Date(row.created_at).toISOString(),
    updated_at: new Date(row.updated_at).toISOString(),
  };
}

export async function findDeliveryById(
  db: Queryable,
  id: string,
): Promise<StoredDelivery | undefined> {
  const row = await DeliveryModel.query(db).findById(id);
  return row && toDelivery(row);
}

export async function findDeliveryByKey(
  db: Queryable,
  key: string,
): Promise<DeliveryWithKey | undefined> {
  const row = await DeliveryModel.query(db).findOne({ idempotency_key: key });
  return row && { ...toDelivery(row), payload_hash: row.payload_hash };
}

export type { Viewer };

export type DeliveryFilters = Omit<DeliveryListQuery, 'limit' | 'cursor' | 'order'>;

// Due on or after the day it was created (a database constraint, one day of slack): a delivery
// due by `date_to` was created before `date_to` + 2 days, so the newest-first walk starts there
// rather than at today, past every younger row.
const CREATED_BY_DUE_DATE = "deliveries.created_at < (?::date + 2)::timestamp at time zone 'UTC'";

// The trigram index on the search text finds the candidates (see the migration
// 20261126130100_delivery_search_index); the fields decide. coalesce() hides the second test of
// the same words from the planner, which would otherwise multiply both selectivities, expect a
// handful of rows and sort thousands instead of walking newest first to the first page.
const SEARCH_TEXT_MATCHES =
  'delivery_search_text(deliveries.product_name, deliveries.delivery_address, ' +
  'deliveries.recipient_name) ilike delivery_search_key(?)';
const FIELDS_MATCH =
  'coalesce(deliveries.product_name ilike ? or deliveries.delivery_address ilike ? ' +
  'or deliveries.recipient_name ilike ?, false)';

/**
 * The ids starting with `prefix` (hex digits, hyphens anywhere or nowhere) as a range of the
 * primary key: a uuid sorts as its hex digits do, so the index answers it. Null when no uuid can
 * start so.
 */
export function idPrefixRange(prefix: string): [string, string] | null {
  const hex = prefix.replace(/-/g, '').toLowerCase();
  if (!/^[0-9a-f]{1,32}$/.test(hex)) return null;
  const uuid = (digits: string) =>
    `${digits.slice(0, 8)}-${digits.slice(8, 12)}-${digits.slice(12, 16)}-${digits.slice(16, 20)}-${digits.slice(20)}`;
  return [uuid(hex.padEnd(32, '0')), uuid(hex.padEnd(32, 'f'))];
}

/**
 * Newest first (or oldest first: the queue's longest wait on top), keyset-paginated, scoped to
 * what the viewer may see, then filtered.
 */
export async function listDeliveries(
  db: Queryable,
  viewer: Viewer,
  filters: DeliveryFilters,
  page: { limit: number; cursor?: string | undefined; order?: SortOrder | undefined },
): Promise<Page<StoredDelivery>> {
  const query = DeliveryModel.query(db);
  const scope = deliveryScope(viewer);
  // Sandbox deliveries (issue 21) are their partner's alone: no admin's list or queue shows them.
  switch (scope.kind) {
    case 'all':
      query.where('deliveries.sandbox', false);
      break;
    case 'partner':
      query.where('deliveries.partner_id', scope.partnerId);
      break;
    case 'assignee':
      query.where('deliveries.assigned_to', scope.adminId).where('deliveries.sandbox', false);
      break;
    case 'none':
      return { rows: [], next_cursor: null };
    default: {
      const unknown: never = scope;
      throw new Error(`Unknown delivery scope ${JSON.stringify(unknown)}`);
    }
  }
  if (filters.status) query.where('deliveries.status', filters.status);
  if (filters.assigned_to) query.where('deliveries.assigned_to', filters.assigned_to);
  if (filters.partner_id) query.where('deliveries.partner_id', filters.partner_id);
  if (filters.needs_attention) query.whereNotNull('deliveries.attention');
  if (filters.returned_to_queue) {
    query.whereNotNull('deliveries.returned_to_queue_at').where('deliveries.status', 'CREATED');
  }
  if (filters.id_prefix) {
    const range = idPrefixRange(filters.id_prefix);
    if (!range) return { rows: [], next_cursor: null };
    query.whereBetween('deliveries.id', range);
  }
  if (filters.date_from) query.where('deliveries.delivery_date', '>=', filters.date_from);
  if (filters.date_to) {
    query.where('deliveries.delivery_date', '<=', filters.date_to);
    query.whereRaw(CREATED_BY_DUE_DATE, [filters.date_to]);
  }
  if (filters.q) {
    const pattern = likePattern(filters.q);
    query.whereRaw(SEARCH_TEXT_MATCHES, [pattern]);
    query.whereRaw(FIELDS_MATCH, [pattern, pattern, pattern]);
  }
  const result = await keysetPage(query, 'deliveries', page);
  return { rows: result.rows.map(toDelivery), next_cursor: result.next_cursor };
}

export async function deliveryTimeline(
  db: Queryable,
  deliveryId: string,
): Promise<StoredTimelineEvent[]> {
  const rows = await db('delivery_events as e')
    .leftJoin('api_keys as k', 'k.id', 'e.actor_api_key_id')
    .leftJoin('users as actor', 'actor.id', 'e.actor_id')
    .leftJoin('users as assignee', 'assignee.id', 'e.assigned_to')
    .where({ 'e.delivery_id': deliveryId })
    .orderBy('e.seq')
    .select(
      'e.type',
      'e.from_status',
      'e.to_status',
      'e.actor_id',
      'k.name as actor_key_name',
      db.raw("nullif(trim(actor.first_name || ' ' || actor.last_name), '') as actor_name"),
      'e.assigned_to',
      db.raw("nullif(trim(assignee.first_name || ' ' || assignee.last_name), '') as assignee_name"),
      'e.reason',
      'e.details',
      'e.at',
    );
  return rows.map(
    ({
      details,
      ...row
    }: StoredTimelineEvent & { at: Date; details: DeliveryEventDetails | null }) => ({
      ...row,
      failure_reason: details?.failure_reason ?? null,
      proof: details?.proof ?? null,
      at: new Date(row.at).toISOString(),
    }),
  );
}

/** The events a tracking page reads: the changes, and the deadlines that make it late. */
const TRACKED_EVENT_TYPES = [
  'created',
  'assigned',
  'status_changed',
  'cancelled',
  'delivery_late',
  'delivery_overdue',
] as const satisfies readonly TrackedEvent['type'][];

type TrackedRow = Omit<TrackedDelivery, 'dropoff_window' | 'events'> & {
  dropoff_window_start: Date | null;
  dropoff_window_end: Date | null;
  events: (Omit<TrackedEvent, 'at'> & { at: string })[];
};

/**
 * A delivery as its tracking page shows it, by the link's token (the unique index) or, for the
 * live fan-out, by id (the primary key): the row, the courier's first name and the public
 * events, in one statement.
 */
export async function findTrackedDelivery(
  db: Queryable,
  by: { token: string } | { id: string },
): Promise<TrackedDelivery | undefined> {
  const [column, value] = 'token' in by ? ['d.tracking_token', by.token] : ['d.id', by.id];
  const result = await db.raw<{ rows: TrackedRow[] }>(
    `select d.id, d.tracking_token, d.status, d.product_name,
            to_char(d.delivery_date, 'YYYY-MM-DD') as delivery_date,
            d.dropoff_window_start, d.dropoff_window_end, d.failure_reason,
            u.first_name as courier_first_name,
            coalesce((
              select json_agg(json_build_object(
                       'type', e.type, 'to_status', e.to_status,
                       'failure_reason', e.details->>'failure_reason', 'at', e.at
                     ) order by e.seq)
                from delivery_events e
               where e.delivery_id = d.id and e.type = any(?)
            ), '[]'::json) as events
       from deliveries d
       left join users u on u.id = d.assigned_to
      where ${column} = ?`,
    [[...TRACKED_EVENT_TYPES], value],
  );
  const row = result.rows[0];
  if (!row) return undefined;
  const { dropoff_window_start: start, dropoff_window_end: end, events, ...fields } = row;
  return {
    ...fields,
    dropoff_window:
      start && end
        ? { start: new Date(start).toISOString(), end: new Date(end).toISOString() }
        : null,
    // json_build_object writes a timestamptz in PostgreSQL's own ISO form, with an offset.
    events: events.map((event) => ({ ...event, at: new Date(event.at).toISOString() })),
  };
}

/**
 * Every active admin with the count of deliveries in their hands, their availability, capacity
 * and unanswered offers, least loaded first, then by name. One statement: the open deliveries come from the (status, created_at, id) index and are
 * joined to the admins, so the cost follows the open deliveries, not the whole history.
 */
export async function adminWorkload(db: Queryable): Promise<AdminWorkload[]> {
  return db('users')
    .leftJoin('deliveries', (join) =>
      join
        .on('deliveries.assigned_to', 'users.id')
        .andOnIn('deliveries.status', [...OPEN_STATUSES])
        .andOnVal('deliveries.sandbox', false),
    )
    .where({ 'users.role': 'admin', 'users.is_active': true })
    .groupBy('users.id')
    .select(
      'users.id as admin_id',
      'users.email',
      'users.first_name',
      'users.last_name',
      'users.available',
      'users.capacity',
      db.raw('count(deliveries.id)::int as open_deliveries'),
      // Auto-dispatch's unanswered offers: one small indexed count per admin, same statement.
      db.raw(
        "(select count(*) from delivery_offers o where o.admin_id = users.id and o.status = 'pending')::int as pending_offers",
      ),
    )
    .orderByRaw(
      "open_deliveries, lower(trim(users.first_name || ' ' || users.last_name)), lower(users.email), users.id",
    );
}

/** The delivery's last two events, newest first: what an admin who lost it is told. */
export async function lastTwoEvents(
  db: Queryable,
  deliveryId: string,
): Promise<
  {
    type: string;
    to_status: Delivery['status'];
    assigned_to: string | null;
    reason: string | null;
  }[]
> {
  return db('delivery_events')
    .where({ delivery_id: deliveryId })
    .orderBy('seq', 'desc')
    .limit(2)
    .select('type', 'to_status', 'assigned_to', 'reason');
}
