import { Model } from 'objection';

export class WebhookEndpointModel extends Model {
  static override tableName = 'webhook_endpoints';
  static override idColumn = 'partner_id';

  partner_id!: string;
  url!: string;
  secret!: string;
  created_at!: Date;
  updated_at!: Date;
}

export class WebhookAttemptModel extends Model {
  static override tableName = 'webhook_attempts';

  id!: string;
  partner_id!: string;
  event_id!: string;
  event_type!: string;
  url!: string;
  status_code!: number | null;
  error!: string | null;
  attempt!: number;
  created_at!: Date;
}
