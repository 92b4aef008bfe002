import { Model } from 'objection';
import type { Role } from '../../domain/roles';

export class UserModel extends Model {
  static override tableName = 'users';

  id!: string;
  email!: string;
  password_hash!: string;
  role!: Role;
  first_name!: string;
  last_name!: string;
  is_active!: boolean;
  email_verified_at!: Date | null;
  created_at!: Date;
  updated_at!: Date;

  static override modifiers = {
    active(query: import('objection').QueryBuilder<UserModel>) {
      void query.where('is_active', true);
    },
  };
}
