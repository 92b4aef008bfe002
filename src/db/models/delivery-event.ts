import { Model } from 'objection';
import type { DeliveryEventDetails, DeliveryEventType } from '../../domain/delivery-events';
import type { DeliveryStatus } from '../../domain/delivery-status';

export class DeliveryEventModel extends Model {
  static override tableName = 'delivery_events';
  static override idColumn = 'seq';

  /** bigserial: pg returns it as a string. */
  seq!: string;
  delivery_id!: string;
  event_key!: string;
  type!: DeliveryEventType;
  from_status!: DeliveryStatus | null;
  to_status!: DeliveryStatus;
  actor_id!: string | null;
  actor_api_key_id!: string | null;
  /** The assignee once this event happened (null before the column existed). */
  assigned_to!: string | null;
  reason!: string | null;
  details!: DeliveryEventDetails | null;
  at!: Date;
}
