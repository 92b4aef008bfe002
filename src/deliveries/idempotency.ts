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

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

export function deliveryKey(userId: string, payload: unknown, header?: string): DeliveryKey {
  if (header !== undefined && !isValidIdempotencyHeader(header)) {
    throw new ValidationError('The Idempotency-Key header is invalid.', [
      { field: 'Idempotency-Key', message: 'must be 1–255 printable ASCII characters' },
    ]);
  }
  const source = header === undefined ? { payload } : { header };
  return {
    key: `delivery-${sha256(idempotencyKeyMaterial(userId, source))}`,
    payloadHash: sha256(canonicalJson(payload)),
  };
}
