import { Model } from 'objection';

export class RefreshTokenModel extends Model {
  static override tableName = 'refresh_tokens';

  id!: string;
  user_id!: string;
  family_id!: string;
  token_hash!: string;
  expires_at!: Date;
  used_at!: Date | null;
  revoked_at!: Date | null;
  created_at!: Date;
}
