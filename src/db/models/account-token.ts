import { Model } from 'objection';

export type AccountTokenPurpose = 'verify-email' | 'reset-password';

export class AccountTokenModel extends Model {
  static override tableName = 'account_tokens';

  id!: string;
  user_id!: string;
  purpose!: AccountTokenPurpose;
  token_hash!: string;
  expires_at!: Date;
  consumed_at!: Date | null;
  created_at!: Date;
}
