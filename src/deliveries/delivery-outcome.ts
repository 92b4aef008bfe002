import type { Queryable } from '../db/knex';
import { findAttachments, type StoredAttachment } from '../db/repositories/attachments';
import type { StoredDelivery } from '../db/repositories/deliveries';
import type { DeliveryProof, ProofAttachment } from '../domain/delivery-events';
import type { AdminSettableStatus } from '../domain/delivery-status';
import { unprocessable } from '../domain/errors';
import type { FailureReason } from '../domain/failure-reasons';
import type { ProofRequest } from '../schemas/deliveries';

/** A status change as asked: the status, the courier's note, and what FAILED/COMPLETED carry. */
export interface StatusChange {
  status: AdminSettableStatus;
  reason: string | null;
  failureReason?: FailureReason;
  proof?: ProofRequest;
}

/** What the workflow records beside the status: the failure's code, the proof with its images. */
export interface SettledOutcome {
  failureReason?: FailureReason;
  proof?: DeliveryProof;
}

const asProofAttachment = ({ id, content_type, bytes, sha256, created_at }: StoredAttachment) =>
  ({ id, content_type, bytes, sha256, created_at }) satisfies ProofAttachment;

/**
 * The outcome the workflow records, its proof's images read from this delivery's attachments.
 * State-dependent refusals (422): a proof naming another delivery's images, or a delivery created
 * with `proof_required` completed without a photo.
 */
export async function settleOutcome(
  db: Queryable,
  delivery: StoredDelivery,
  change: StatusChange,
): Promise<SettledOutcome> {
  if (change.status === 'FAILED') return { failureReason: change.failureReason! };
  if (change.status !== 'COMPLETED') return {};
  const ids = change.proof?.attachment_ids ?? [];
  if (delivery.proof_required && ids.length === 0) {
    throw unprocessable('This delivery requires a proof of delivery with at least one photo.', {
      field: 'proof',
      message: 'must name at least one photo uploaded for this delivery (proof_required)',
    });
  }
  if (!change.proof) return {};
  const attachments = await findAttachments(db, delivery.id, ids);
  if (attachments.length !== ids.length) {
    throw unprocessable('A proof may only name images uploaded for this delivery.', {
      field: 'proof.attachment_ids',
      message: 'must name images uploaded to this delivery',
    });
  }
  return {
    proof: {
      received_by: change.proof.received_by,
      note: change.proof.note ?? null,
      attachments: attachments.map(asProofAttachment),
    },
  };
}
