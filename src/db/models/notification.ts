import { Model } from 'objection';

export class NotificationModel extends Model {
  static override tableName = 'notifications';

  id!: string;
  /** bigserial: pg returns it as a string. */
  seq!: string;
  user_id!: string;
  type!: string;
  title!: string;
  message!: string;
  delivery_id!: string | null;
  event_key!: string;
  read_at!: Date | null;
  created_at!: Date;
}
