import { createHash } from 'node:crypto';
import { ValidationError } from '../domain/errors';
import {
  canonicalJson,
  idempotencyKeyMaterial,
  isValidIdempotencyHeader,
} from '../domain/idempotency-key';

export interface DeliveryKey {
  /** `delivery-<sha256 hex>`: the workflow id and the unique key of the read-model row. */
  key: string;
  /** SHA-256 of the canonical payload; tells a reused header key from a replay. */
  payloadHash: string;
}

export const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export function assertIdempotencyHeader(header: string | undefined): void {
  if (header !== undefined && !isValidIdempotencyHeader(header)) {
    throw new ValidationError('The Idempotency-Key header is invalid.', [
      { field: 'Idempotency-Key', message: 'must be 1–255 printable ASCII characters' },
    ]);
  }
}

function keyed(kind: 'delivery' | 'batch', userId: string, payload: unknown, header?: string) {
  assertIdempotencyHeader(header);
  const source = header === undefined ? { payload } : { header };
  return {
    key: `${kind}-${sha256(idempotencyKeyMaterial(userId, source))}`,
    payloadHash: sha256(canonicalJson(payload)),
  };
}

export const deliveryKey = (userId: string, payload: unknown, header?: string): DeliveryKey =>
  keyed('delivery', userId, payload, header);

/** `batch-<sha256 hex>`: a batch's workflow id, from the partner and its key (or its body). */
export const batchKey = (userId: string, payload: unknown, header?: string): DeliveryKey =>
  keyed('batch', userId, payload, header);

/** A UUIDv8 over the hash of a label and a key. */
function derivedUuid(label: string, key: string): string {
  const hex = sha256(`${label}\u0000${key}`).slice(0, 32).split('');
  hex[12] = '8';
  hex[16] = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/**
 * The delivery id follows from the key (a UUIDv8 over its hash), so two requests racing for the
 * same key write the same row whichever of them, or the workflow, gets there first.
 */
export const deliveryIdFor = (key: string): string => derivedUuid('delivery-id', key);

/** The batch id follows from its key the same way: a repeated batch is the same batch. */
export const batchIdFor = (key: string): string => derivedUuid('batch-id', key);

/** The update ID of a change sent with an Idempotency-Key: Temporal answers its repeats. */
export function changeUpdateId(userId: string, header: string): string {
  return `idempotency-key:${userId}:${header}`;
}
