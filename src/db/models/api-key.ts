import { Model } from 'objection';

export class ApiKeyModel extends Model {
  static override tableName = 'api_keys';

  id!: string;
  partner_id!: string;
  name!: string;
  prefix!: string;
  key_hash!: string;
  sandbox!: boolean;
  created_at!: Date;
  last_used_at!: Date | null;
  expires_at!: Date | null;
  revoked_at!: Date | null;
}
