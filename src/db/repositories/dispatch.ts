import type { Knex } from 'knex';
import {
  DEFAULT_DISPATCH_SETTINGS,
  type DispatchMode,
  type DispatchSettings,
  type OfferOutcome,
  type OfferStatus,
} from '../../domain/dispatch';
import { OPEN_STATUSES } from '../../domain/delivery-status';
import type { OfferResource } from '../../schemas/dispatch';
import type { Queryable } from '../knex';

interface SettingsRow {
  mode: DispatchMode;
  offer_timeout_seconds: number;
  max_offers: number;
}

/** The platform's dispatch settings; the defaults until a super admin first saves them. */
export async function readDispatchSettings(db: Queryable): Promise<DispatchSettings> {
  const row = (await db('dispatch_settings').first(
    'mode',
    'offer_timeout_seconds',
    'max_offers',
  )) as SettingsRow | undefined;
  if (!row) return DEFAULT_DISPATCH_SETTINGS;
  return {
    mode: row.mode,
    offerTimeoutSeconds: row.offer_timeout_seconds,
    maxOffers: row.max_offers,
  };
}

export async function writeDispatchSettings(
  db: Queryable,
  settings: DispatchSettings,
  updatedBy: string,
): Promise<DispatchSettings> {
  await db('dispatch_settings')
    .insert({
      id: true,
      mode: settings.mode,
      offer_timeout_seconds: settings.offerTimeoutSeconds,
      max_offers: settings.maxOffers,
      updated_by: updatedBy,
      updated_at: db.fn.now(),
    })
    .onConflict('id')
    .merge();
  return settings;
}

/** Sets an admin's availability; false when no such user. */
export async function setAvailability(
  db: Queryable,
  userId: string,
  available: boolean,
): Promise<boolean> {
  const updated = await db('users')
    .where({ id: userId })
    .update({ available, updated_at: db.fn.now() });
  return updated > 0;
}

export async function isAvailable(db: Queryable, userId: string): Promise<boolean> {
  const row = (await db('users').where({ id: userId }).first('available')) as
    { available: boolean } | undefined;
  return row?.available ?? false;
}

/** Sets an admin's capacity (null: no limit); false when no admin has this id. */
export async function setCapacity(
  db: Queryable,
  adminId: string,
  capacity: number | null,
): Promise<boolean> {
  const updated = await db('users')
    .where({ id: adminId, role: 'admin' })
    .update({ capacity, updated_at: db.fn.now() });
  return updated > 0;
}

/** One offer as stored. */
export interface StoredOffer {
  delivery_id: string;
  admin_id: string;
  number: number;
  status: OfferStatus;
  reason: string | null;
  offered_at: Date;
  expires_at: Date;
  answered_at: Date | null;
}

/** The admin an offer went to, with what its notification and email need. */
export interface OfferedAdmin {
  id: string;
  email: string;
  first_name: string;
  last_name: string;
}

// Every pick takes this lock for the rest of its transaction: two workflows picking at the same
// moment would otherwise both see the same admin one below capacity and both offer.
const DISPATCH_LOCK = "hashtext('delivery-dispatch')";

const OPEN_LIST = OPEN_STATUSES.map((status) => `'${status}'`).join(', ');

/**
 * An admin's load: deliveries in their hands plus offers they have not answered (an offer is a
 * claim on capacity until it is answered).
 */
const LOAD = `(select count(*) from deliveries d where d.assigned_to = u.id and d.status in (${OPEN_LIST}))
  + (select count(*) from delivery_offers p where p.admin_id = u.id and p.status = 'pending')`;

/**
 * Offers the delivery to the best candidate, under the dispatch lock: an active, available admin
 * whose load stays under capacity, never one offered this delivery before; the least loaded,
 * then the one whose last offer is oldest (never offered first). Records the offer as number
 * `number` of the delivery; a retry finds that one and returns it. Undefined when nobody fits.
 */
export async function offerToBestCandidate(
  trx: Knex.Transaction,
  offer: { deliveryId: string; number: number; offeredAt: string; expiresAt: string },
): Promise<{ admin: OfferedAdmin; created: boolean } | undefined> {
  await trx.raw(`select pg_advisory_xact_lock(${DISPATCH_LOCK})`);
  const existing = (await trx('delivery_offers as o')
    .join('users as u', 'u.id', 'o.admin_id')
    .where({ 'o.delivery_id': offer.deliveryId, 'o.number': offer.number })
    .first('u.id', 'u.email', 'u.first_name', 'u.last_name')) as OfferedAdmin | undefined;
  if (existing) return { admin: existing, created: false };
  const picked = await trx.raw<{ rows: OfferedAdmin[] }>(
    `select u.id, u.email, u.first_name, u.last_name
       from users u
      where u.role = 'admin' and u.is_active and u.available
        and not exists (select 1 from delivery_offers o
                         where o.delivery_id = ? and o.admin_id = u.id)
        and (u.capacity is null or ${LOAD} < u.capacity)
      order by ${LOAD}, u.last_offered_at asc nulls first, u.id
      limit 1`,
    [offer.deliveryId],
  );
  const admin = picked.rows[0];
  if (!admin) return undefined;
  await trx('delivery_offers').insert({
    delivery_id: offer.deliveryId,
    admin_id: admin.id,
    number: offer.number,
    status: 'pending',
    offered_at: offer.offeredAt,
    expires_at: offer.expiresAt,
  });
  await trx('users').where({ id: admin.id }).update({ last_offered_at: offer.offeredAt });
  return { admin, created: true };
}

/** Closes the delivery's pending offer number `number`; false when it was not pending. */
export async function closeOffer(
  db: Queryable,
  offer: { deliveryId: string; number: number; status: OfferOutcome; reason: string | null },
  at: string,
): Promise<boolean> {
  const updated = await db('delivery_offers')
    .where({ delivery_id: offer.deliveryId, number: offer.number, status: 'pending' })
    .update({ status: offer.status, reason: offer.reason, answered_at: at });
  return updated > 0;
}

/** The offer this admin holds or held for the delivery, if any. */
export async function findOffer(
  db: Queryable,
  deliveryId: string,
  adminId: string,
): Promise<StoredOffer | undefined> {
  return (await db('delivery_offers')
    .where({ delivery_id: deliveryId, admin_id: adminId })
    .first()) as StoredOffer | undefined;
}

/** Every offer of the delivery, in the order made. */
export async function offersOf(db: Queryable, deliveryId: string): Promise<StoredOffer[]> {
  return (await db('delivery_offers')
    .where({ delivery_id: deliveryId })
    .orderBy('number')) as StoredOffer[];
}

/** Marks the delivery as handed back to a human by auto-dispatch. */
export async function markReturnedToQueue(db: Queryable, deliveryId: string, at: string) {
  await db('deliveries').where({ id: deliveryId }).update({ returned_to_queue_at: at });
}

/**
 * Open offers with what the delivery is, oldest first (GET /offers): the admin's own, or every
 * admin's when `adminId` is null (a super admin asking who holds which offer).
 */
export async function pendingOffers(
  db: Queryable,
  adminId: string | null,
): Promise<OfferResource[]> {
  const query = db('delivery_offers as o')
    .join('deliveries as d', 'd.id', 'o.delivery_id')
    .where({ 'o.status': 'pending' });
  if (adminId !== null) query.where({ 'o.admin_id': adminId });
  const rows = (await query
    .orderBy('o.offered_at')
    .select(
      'o.delivery_id',
      'o.admin_id',
      'o.number',
      'o.status',
      'o.offered_at',
      'o.expires_at',
      'd.product_name',
      'd.delivery_address',
      db.raw("to_char(d.delivery_date, 'YYYY-MM-DD') as delivery_date"),
      'd.dropoff_window_start',
      'd.dropoff_window_end',
      'd.notes',
      'd.proof_required',
    )) as (Omit<OfferResource, 'dropoff_window' | 'offered_at' | 'expires_at'> & {
    offered_at: Date;
    expires_at: Date;
    dropoff_window_start: Date | null;
    dropoff_window_end: Date | null;
  })[];
  return rows.map(({ dropoff_window_start: start, dropoff_window_end: end, ...row }) => ({
    ...row,
    offered_at: row.offered_at.toISOString(),
    expires_at: row.expires_at.toISOString(),
    dropoff_window: start && end ? { start: start.toISOString(), end: end.toISOString() } : null,
  }));
}
