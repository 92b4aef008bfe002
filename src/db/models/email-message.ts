import { Model } from 'objection';

export type EmailStatus = 'pending' | 'sent' | 'failed' | 'outbox';

export class EmailMessageModel extends Model {
  static override tableName = 'email_messages';

  id!: string;
  key!: string;
  to_address!: string;
  subject!: string;
  text_body!: string;
  html_body!: string;
  tag!: string;
  status!: EmailStatus;
  attempts!: number;
  last_error!: string | null;
  error_code!: number | null;
  provider_message_id!: string | null;
  sent_at!: Date | null;
  created_at!: Date;
  updated_at!: Date;
}
