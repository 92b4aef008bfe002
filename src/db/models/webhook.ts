import { Model } from 'objection';

export class WebhookEndpointModel extends Model {
  static override tableName = 'webhook_endpoints';
  static override idColumn = 'partner_id';

  partner_id!: string;
  url!: string;
  secret!: string;
  failing_since!: Date | null;
  disabled_at!: Date | null;
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
  payload!: unknown;
  response_excerpt!: string | null;
  duration_ms!: number | null;
  next_retry_at!: Date | null;
  replay_of!: string | null;
  created_at!: Date;
}
