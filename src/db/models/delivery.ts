import { Model } from 'objection';
import type { DeliveryProof } from '../../domain/delivery-events';
import type { DeliveryStatus } from '../../domain/delivery-status';
import type { FailureReason } from '../../domain/failure-reasons';
import type { DeliveryAttention } from '../../schemas/deliveries';

export class DeliveryModel extends Model {
  static override tableName = 'deliveries';

  id!: string;
  workflow_id!: string;
  idempotency_key!: string;
  payload_hash!: string;
  status!: DeliveryStatus;
  partner_id!: string;
  assigned_to!: string | null;
  product_name!: string;
  delivery_address!: string;
  /** node-pg parses a DATE as local midnight. */
  delivery_date!: Date;
  recipient_name!: string | null;
  recipient_phone!: string | null;
  notes!: string | null;
  recipient_email!: string | null;
  dropoff_window_start!: Date | null;
  dropoff_window_end!: Date | null;
  proof_required!: boolean;
  sandbox!: boolean;
  failure_reason!: FailureReason | null;
  proof!: DeliveryProof | null;
  /** Set by the worker's run watcher (src/ops/run-watcher.ts), cleared by the next event. */
  attention!: DeliveryAttention | null;
  /** The public tracking link's last segment; replaced when the link is revoked. */
  tracking_token!: string;
  created_at!: Date;
  updated_at!: Date;
}
