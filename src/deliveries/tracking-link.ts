import type { Queryable } from '../db/knex';
import { replaceTrackingToken, type StoredDelivery } from '../db/repositories/deliveries';
import type { Viewer } from '../domain/delivery-visibility';
import { newTrackingToken } from '../tracking/tracking-token';
import { findVisibleDelivery } from './change-delivery';

/** A new random tracking token for the delivery; the old link is a 404 from now on. */
export async function revokeTrackingLink(
  db: Queryable,
  user: Viewer,
  deliveryId: string,
): Promise<StoredDelivery> {
  const delivery = await findVisibleDelivery(db, user, deliveryId);
  const token = newTrackingToken();
  await replaceTrackingToken(db, delivery.id, token);
  return { ...delivery, tracking_token: token };
}
