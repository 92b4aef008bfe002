import { Model } from 'objection';

export class LoginAttemptModel extends Model {
  static override tableName = 'login_attempts';

  id!: string;
  email_key!: string;
  address!: string;
  created_at!: Date;
}
