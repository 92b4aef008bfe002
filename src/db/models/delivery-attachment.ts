import { Model } from 'objection';

/** One proof-of-delivery image: its bytes live in attachment storage under `storage_key`. */
export class DeliveryAttachmentModel extends Model {
  static override tableName = 'delivery_attachments';

  id!: string;
  delivery_id!: string;
  uploaded_by!: string;
  content_type!: string;
  bytes!: number;
  sha256!: string;
  storage_key!: string;
  created_at!: Date;
}
