import { Model } from 'objection';

export class NotificationStreamTicketModel extends Model {
  static override tableName = 'notification_stream_tickets';
  static override idColumn = 'ticket_hash';

  ticket_hash!: string;
  user_id!: string;
  expires_at!: Date;
  created_at!: Date;
}
