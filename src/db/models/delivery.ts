import { Model } from 'objection';
import type { DeliveryStatus } from '../../domain/delivery-status';

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
  created_at!: Date;
  updated_at!: Date;
}
