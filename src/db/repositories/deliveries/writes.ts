import type { Knex } from 'knex';
import type { Queryable } from '../../knex';
import type { DeliveryEventFields } from '../../../domain/delivery-events';
import type { Delivery, DeliveryAttention } from '../../../schemas/deliveries';
import type { DeliveryModel } from '../../models/delivery';
import type { DeliveryEventModel } from '../../models/delivery-event';
import type { RowInput } from '../../models/row-input';
import { userAddressesWhere, type UserAddress } from '../users';
import { partnerHasWebhookEndpoint } from '../webhooks';

/** A new delivery row as the API or the workflow writes it; both write the same values. */
export interface NewDeliveryRow {
  delivery: Delivery;
  idempotencyKey: string;
  payloadHash: string;
  /** The API's; the workflow's write (which inserts only when the API's did not) makes its own. */
  trackingToken: string;
}

/**
 * A timeline event as stored: the event the workflow records (the API writes the same `created`
 * one), for its delivery and the status that delivery moved to.
 */
export type NewDeliveryEvent = DeliveryEventFields & {
  deliveryId: Delivery['id'];
  toStatus: Delivery['status'];
};

function rowOf({
  delivery,
  idempotencyKey,
  payloadHash,
  trackingToken,
}: NewDeliveryRow): RowInput<DeliveryModel> {
  return {
    id: delivery.id,
    workflow_id: delivery.workflow_id,
    idempotency_key: idempotencyKey,
    payload_hash: payloadHash,
    status: delivery.status,
    partner_id: delivery.partner_id,
    assigned_to: delivery.assigned_to,
    product_name: delivery.product_name,
    delivery_address: delivery.delivery_address,
    delivery_date: delivery.delivery_date,
    recipient_name: delivery.recipient_name,
    recipient_phone: delivery.recipient_phone,
    notes: delivery.notes,
    recipient_email: delivery.recipient_email,
    dropoff_window_start: delivery.dropoff_window?.start ?? null,
    dropoff_window_end: delivery.dropoff_window?.end ?? null,
    proof_required: delivery.proof_required,
    sandbox: delivery.sandbox,
    failure_reason: delivery.failure_reason,
    proof: delivery.proof,
    attention: null,
    tracking_token: trackingToken,
    created_at: delivery.created_at,
    updated_at: delivery.updated_at,
  };
}

function eventOf(
  event: NewDeliveryEvent,
): Omit<RowInput<DeliveryEventModel>, 'seq' | 'assigned_to'> {
  return {
    delivery_id: event.deliveryId,
    event_key: event.eventKey,
    type: event.type,
    from_status: event.fromStatus,
    to_status: event.toStatus,
    actor_id: event.actorId,
    actor_api_key_id: event.actorApiKeyId ?? null,
    reason: event.reason,
    details: event.details ?? null,
    at: event.at,
  };
}

const EVENT_COLUMNS =
  'delivery_id, event_key, type, from_status, to_status, actor_id, actor_api_key_id, reason, details, at';
/** Values for a raw statement: JSON columns (proof, details) as their text. */
const bindings = (values: unknown[]): Knex.RawBinding[] =>
  values.map((value) =>
    value !== null && typeof value === 'object' && !(value instanceof Date)
      ? JSON.stringify(value)
      : (value as Knex.RawBinding),
  );

/** The event's values after its delivery id (first in `eventOf`), which the statement's CTE gives. */
const eventValues = (event: NewDeliveryEvent) => bindings(Object.values(eventOf(event)).slice(1));

/**
 * A CTE appending the event to the row `source` returned (its bindings: `eventValues`), with the
 * assignee the row was left with when `source` returns it.
 */
const eventFrom = (source: string, event: NewDeliveryEvent, { withAssignee = false } = {}) =>
  `event as (
       insert into delivery_events (${EVENT_COLUMNS}${withAssignee ? ', assigned_to' : ''})
       select id, ${eventValues(event)
         .map(() => '?')
         .join(', ')}${withAssignee ? ', assigned_to' : ''} from ${source}
       on conflict (event_key) do nothing
     )`;

/**
 * Inserts the row and its creation event in one statement, unless the key already has a row (a
 * repeat, or the workflow wrote it first). Returns the stored row's tracking token: this one, or
 * the one the other writer stored.
 */
export async function insertNewDelivery(
  db: Queryable,
  row: NewDeliveryRow,
  created: NewDeliveryEvent,
): Promise<string> {
  const values = rowOf(row);
  const result = await db.raw<{ rows: { tracking_token: string }[] }>(
    `with inserted as (
       insert into deliveries (${Object.keys(values).join(', ')})
       values (${Object.keys(values)
         .map(() => '?')
         .join(', ')})
       on conflict do nothing
       returning id
     ), ${eventFrom('inserted', created)}
     select ?::text as tracking_token from inserted
     union all
     select tracking_token from deliveries where id = ? and not exists (select 1 from inserted)`,
    [
      ...bindings(Object.values(values)),
      ...eventValues(created),
      row.trackingToken,
      row.delivery.id,
    ],
  );
  const stored = result.rows[0]?.tracking_token;
  if (stored !== undefined) return stored;
  // The other writer's insert committed after this statement's snapshot: read it now.
  const other = await db('deliveries').where({ id: row.delivery.id }).first('tracking_token');
  if (!other) throw new Error(`No row for delivery ${row.delivery.id}`);
  return (other as { tracking_token: string }).tracking_token;
}

/**
 * What the record activity reads of the row it changes; the token goes into the links of the
 * messages it plans (so the run's history holds the link as it was sent).
 */
export type StoredState = Pick<DeliveryModel, 'status' | 'assigned_to' | 'tracking_token'>;

/** What the record activity learns with the row, so that planning its messages reads nothing more. */
export interface LockedDelivery {
  row: StoredState | undefined;
  eventExists: boolean;
  /** Whether the delivery's partner has a webhook endpoint registered now. */
  webhookEndpoint: boolean;
  /** The addresses of the partner, the stored assignee and the `people` asked for. */
  people: UserAddress[];
}

/**
 * The row's state, locked for the rest of the transaction, whether the event is already stored,
 * whether the partner has a webhook endpoint and who may hear of the change (one round trip). No
 * row means no event either: events reference their row.
 */
export async function lockDeliveryForEvent(
  trx: Knex.Transaction,
  deliveryId: string,
  eventKey: string,
  people: readonly string[] = [],
): Promise<LockedDelivery> {
  const asked = people.map(() => '?::uuid');
  const result = await trx.raw<{
    rows: (StoredState & { recorded: boolean; webhook_endpoint: boolean; people: UserAddress[] })[];
  }>(
    `select d.status, d.assigned_to, d.tracking_token,
            exists (select 1 from delivery_events e where e.event_key = ?) as recorded,
            ${partnerHasWebhookEndpoint('d.partner_id')} as webhook_endpoint,
            ${userAddressesWhere(`u.id in (${['d.partner_id', 'd.assigned_to', ...asked].join(', ')})`)} as people
       from deliveries d where d.id = ? for update of d`,
    [eventKey, ...people, deliveryId],
  );
  const found = result.rows[0];
  if (!found) return { row: undefined, eventExists: false, webhookEndpoint: false, people: [] };
  const { recorded, webhook_endpoint: webhookEndpoint, people: addresses, ...row } = found;
  return { row, eventExists: recorded, webhookEndpoint, people: addresses };
}

/**
 * The tracking token of the event's delivery if the event is stored (then its row and
 * notifications are too: one transaction), else undefined.
 */
export async function findRecordedEvent(
  db: Queryable,
  eventKey: string,
): Promise<{ trackingToken: string; webhookEndpoint: boolean } | undefined> {
  const found = (await db('delivery_events as e')
    .join('deliveries as d', 'd.id', 'e.delivery_id')
    .where('e.event_key', eventKey)
    .first(
      'd.tracking_token',
      db.raw(`${partnerHasWebhookEndpoint('d.partner_id')} as webhook_endpoint`),
    )) as { tracking_token: string; webhook_endpoint: boolean } | undefined;
  return found && { trackingToken: found.tracking_token, webhookEndpoint: found.webhook_endpoint };
}

/**
 * The creation's row, unless the API (or an earlier attempt) wrote it. Any unique conflict is
 * ignored, not only the id's: when the API's insert lands between this statement's conflict
 * check and its index entries, PostgreSQL reports the clash on `idempotency_key`, and naming only
 * `id` would turn that race into a permanent failure of the workflow. Returns the stored row's
 * tracking token: this one, or the other writer's.
 */
export async function insertDeliveryRow(db: Queryable, row: NewDeliveryRow): Promise<string> {
  const inserted = (await db('deliveries')
    .insert(rowOf(row))
    .onConflict()
    .ignore()
    .returning('tracking_token')) as { tracking_token: string }[];
  if (inserted[0]) return inserted[0].tracking_token;
  // The other writer's row (same key, hence same id) holds the token its links must name.
  const other = (await db('deliveries')
    .where({ idempotency_key: row.idempotencyKey })
    .first('tracking_token')) as { tracking_token: string } | undefined;
  if (!other) throw new Error(`No row for delivery ${row.delivery.id}`);
  return other.tracking_token;
}

/**
 * Moves the row to the delivery's new state, appends the event and tells the open tracking pages
 * (`pg_notify`, delivered on commit), in one statement.
 */
export async function updateDeliveryWithEvent(
  db: Queryable,
  delivery: Delivery,
  event: NewDeliveryEvent,
): Promise<void> {
  await db.raw(
    `with moved as (
       update deliveries set status = ?, assigned_to = ?, failure_reason = ?, proof = ?, updated_at = ?,
                          attention = null
        where id = ? returning id, assigned_to
     ), ${eventFrom('moved', event, { withAssignee: true })}
     select pg_notify(?, id::text) from moved`,
    [
      delivery.status,
      delivery.assigned_to,
      delivery.failure_reason,
      ...bindings([delivery.proof]),
      delivery.updated_at,
      delivery.id,
      ...eventValues(event),
      DELIVERY_CHANGE_CHANNEL,
    ],
  );
}

export async function appendDeliveryEvent(db: Queryable, event: NewDeliveryEvent) {
  await db('delivery_events').insert(eventOf(event)).onConflict('event_key').ignore();
}

/**
 * The Postgres channel that carries a delivery's id whenever what its tracking page shows may
 * have changed; every API process LISTENs on it (the live tracking pages).
 */
export const DELIVERY_CHANGE_CHANNEL = 'delivery_changes';

/**
 * The tracking link's new token: the old one matches no row from now on, and the announcement
 * (one statement with the update) ends the pages still open on it.
 */
export async function replaceTrackingToken(db: Queryable, deliveryId: string, token: string) {
  await db.raw(
    `with replaced as (update deliveries set tracking_token = ? where id = ? returning id)
     select pg_notify(?, id::text) from replaced`,
    [token, deliveryId, DELIVERY_CHANGE_CHANNEL],
  );
}

/**
 * Removes up to `limit` finished sandbox deliveries created more than `days` ago (the database's
 * clock), with their events, offers and in-app notifications, in one statement; how many went.
 * Open ones are kept (their workflow would write the row again), and so are those with stored
 * attachments, whose files this statement cannot remove.
 */
export async function removeExpiredSandboxDeliveries(
  db: Queryable,
  days: number,
  limit: number,
): Promise<number> {
  const result = await db.raw<{ rows: { id: string }[] }>(
    `with gone as (
       select d.id from deliveries d
        where d.sandbox and d.created_at < now() - make_interval(days => ?)
          and d.status in ('COMPLETED', 'FAILED', 'CANCELLED')
          and not exists (select 1 from delivery_attachments a where a.delivery_id = d.id)
        limit ?
     ), events as (
       delete from delivery_events where delivery_id in (select id from gone)
     ), offers as (
       delete from delivery_offers where delivery_id in (select id from gone)
     ), notices as (
       delete from notifications where delivery_id in (select id from gone)
     )
     delete from deliveries where id in (select id from gone) returning id`,
    [days, limit],
  );
  return result.rows.length;
}

/**
 * Flags the delivery for super admins (the run watcher), unless it is already flagged; cleared by
 * the next event the workflow records (`updateDeliveryWithEvent`).
 */
export async function flagAttention(
  db: Queryable,
  deliveryId: string,
  attention: DeliveryAttention,
): Promise<boolean> {
  const flagged = await db.raw<{ rowCount: number }>(
    `with flagged as (
       update deliveries set attention = ?::jsonb where id = ? and attention is null returning id
     )
     select pg_notify(?, id::text) from flagged`,
    [JSON.stringify(attention), deliveryId, DELIVERY_CHANGE_CHANNEL],
  );
  return flagged.rowCount > 0;
}
