import { randomUUID } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { AuthUser } from '../accounts/auth-user';
import { inspectAndStrip } from '../attachments/image';
import type { AttachmentStorage } from '../attachments/storage';
import type { Db } from '../db/knex';
import {
  countAttachments,
  findAttachment,
  insertAttachment,
  type StoredAttachment,
} from '../db/repositories/attachments';
import type { StoredDelivery } from '../db/repositories/deliveries';
import { rejectProofPhoto } from '../domain/delivery-rules';
import { conflict, DomainError, notFound } from '../domain/errors';
import { findVisibleDelivery } from './change-delivery';

/** What proof photos need: the database and where the bytes live. */
export interface ProofPhotoDeps {
  db: Db;
  attachments: AttachmentStorage;
}

/**
 * A proof names at most 10 photos; twice that leaves room for retakes and keeps a looping
 * client from filling the store.
 */
export const MAX_PHOTOS_PER_DELIVERY = 20;

/** Built from ids the server made or read (never a client's text), so always a valid key. */
const storageKey = (deliveryId: string, attachmentId: string) =>
  `deliveries/${deliveryId}/${attachmentId}`;

function assertMayAddPhoto(user: AuthUser, delivery: StoredDelivery): void {
  const refusal = rejectProofPhoto(
    { id: user.id, role: user.role },
    { status: delivery.status, partnerId: delivery.partner_id, assignedTo: delivery.assigned_to },
  );
  if (!refusal) return;
  throw new DomainError(
    refusal.code,
    refusal.message,
    refusal.code === 'conflict' ? { current_status: delivery.status } : {},
  );
}

/**
 * Stores a photo for a delivery's proof: the delivery must be visible to the caller (404), theirs
 * to complete and open (403, 409); the bytes must be the image their type says (415, 422) and
 * are stored re-encoded without metadata. A COMPLETED change then names the photo by its id.
 */
export async function addProofPhoto(
  deps: ProofPhotoDeps,
  user: AuthUser,
  deliveryId: string,
  bytes: Buffer,
  declaredType: string,
): Promise<StoredAttachment> {
  const delivery = await findVisibleDelivery(deps.db, user, deliveryId);
  assertMayAddPhoto(user, delivery);
  if ((await countAttachments(deps.db, delivery.id)) >= MAX_PHOTOS_PER_DELIVERY) {
    throw conflict(`A delivery takes at most ${MAX_PHOTOS_PER_DELIVERY} photos.`);
  }
  const image = await inspectAndStrip(bytes, declaredType);
  const id = randomUUID();
  const key = storageKey(delivery.id, id);
  // Bytes first, then the row: a row always has its bytes, and a failed insert leaves none.
  await deps.attachments.put(key, image.bytes, image.contentType);
  try {
    return await insertAttachment(deps.db, {
      id,
      delivery_id: delivery.id,
      uploaded_by: user.id,
      content_type: image.contentType,
      bytes: image.bytes.length,
      sha256: image.sha256,
      storage_key: key,
      created_at: new Date(),
    });
  } catch (error) {
    await deps.attachments.delete(key).catch(() => undefined);
    throw error;
  }
}

export interface OpenedPhoto {
  attachment: StoredAttachment;
  stream: Readable;
}

/**
 * A delivery's photo, for whoever may see the delivery; 404 for anyone else and for a photo of
 * another delivery, so neither reveals that it exists.
 */
export async function openProofPhoto(
  deps: ProofPhotoDeps,
  user: AuthUser,
  deliveryId: string,
  attachmentId: string,
): Promise<OpenedPhoto> {
  const delivery = await findVisibleDelivery(deps.db, user, deliveryId);
  const attachment = await findAttachment(deps.db, delivery.id, attachmentId);
  if (!attachment) throw notFound('The attachment');
  const stored = await deps.attachments.get(attachment.storage_key);
  // The row is written after its bytes: a row without them is lost data, a fault, not a 404.
  if (!stored) {
    throw new Error(`Attachment ${attachment.id} has no bytes at ${attachment.storage_key}`);
  }
  return { attachment, stream: stored.stream };
}
