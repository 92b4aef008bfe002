import {
  ATTACHMENT_CONTENT_TYPES,
  MAX_ATTACHMENT_BYTES,
  MAX_ATTACHMENT_PIXELS,
  type AttachmentContentType,
} from '../../attachments/limits';
import type { StoredAttachment } from '../../db/repositories/attachments';
import {
  addProofPhoto,
  MAX_PHOTOS_PER_DELIVERY,
  openProofPhoto,
} from '../../deliveries/proof-photos';
import { OPEN_STATUSES } from '../../domain/delivery-status';
import { Binary } from '../../schemas/binary';
import { IdParams } from '../../schemas/common';
import { AttachmentParams, ProofAttachmentLink } from '../../schemas/deliveries';
import { attachmentUrl } from '../../tracking/tracking-links';
import type { AppDeps } from '../deps';
import { inMebibytes } from '../middleware/request-body';
import { problemResponse } from '../openapi-problems';
import { defineRoute } from '../route';
import { API_PREFIX } from '../router';

const PhotoUpload = Binary(
  { mediaTypes: ATTACHMENT_CONTENT_TYPES, maxBytes: MAX_ATTACHMENT_BYTES },
  { description: `The photo itself, at most ${inMebibytes(MAX_ATTACHMENT_BYTES)}` },
);
const PhotoDownload = Binary(
  { mediaTypes: ATTACHMENT_CONTENT_TYPES },
  { description: 'The photo as stored: re-encoded, without metadata' },
);

const EXTENSIONS: Record<AttachmentContentType, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/webp': 'webp',
};

const extensionOf = (contentType: string) =>
  EXTENSIONS[contentType as AttachmentContentType] ?? 'bin';

export function attachmentRoutes(deps: AppDeps) {
  const link = (attachment: StoredAttachment) => {
    const { id, content_type, bytes, sha256, created_at } = attachment;
    const url = attachmentUrl(deps.config.PUBLIC_URL, attachment.delivery_id, id);
    return { id, content_type, bytes, sha256, created_at, url };
  };
  return [
    defineRoute({
      method: 'post',
      path: '/deliveries/{id}/attachments',
      summary: 'Upload a photo for the proof of delivery (the assigned admin, or a super admin)',
      description: `The body is the image itself (\`Content-Type: image/jpeg\`, \`image/png\` or \`image/webp\`, at most ${inMebibytes(MAX_ATTACHMENT_BYTES)}), sent while the delivery is ${OPEN_STATUSES.join(' or ')}. The bytes must be the format their type says; the photo is turned upright and stored re-encoded, without its metadata (GPS position, camera, comments). Name the answer's \`id\` in \`proof.attachment_ids\` when you set the delivery \`COMPLETED\`; a delivery takes at most ${MAX_PHOTOS_PER_DELIVERY} photos.`,
      tag: 'deliveries',
      access: { roles: ['admin', 'super_admin'] },
      params: IdParams,
      body: PhotoUpload,
      responses: {
        201: {
          description: 'Stored; Location (and `url`) is where it is read',
          schema: ProofAttachmentLink,
        },
        404: problemResponse('No such delivery, or not visible to the caller'),
        409: problemResponse(
          `The delivery is not ${OPEN_STATUSES.join(' or ')} (\`current_status\` says what it is), or has ${MAX_PHOTOS_PER_DELIVERY} photos already`,
          'conflict',
        ),
        422: problemResponse(
          `The body is not a readable image of its Content-Type, or has more than ${MAX_ATTACHMENT_PIXELS / 1e6} megapixels (\`errors\` names \`body\`)`,
        ),
      },
      handle: async ({ user, params, body, headers }) => {
        const declared = headers['content-type'] ?? '';
        const stored = await addProofPhoto(deps, user, params.id, body, declared);
        const answer = link(stored);
        const location = `${API_PREFIX}/deliveries/${stored.delivery_id}/attachments/${stored.id}`;
        return { status: 201, body: answer, headers: { Location: location } };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/deliveries/{id}/attachments/{attachment_id}',
      summary: 'A proof-of-delivery photo (whoever may see the delivery)',
      description:
        "The delivery's `proof.attachments[].url` points here. Its partner, its assigned admin and super admins may read it; anyone else, and a photo of another delivery, is a 404.",
      tag: 'deliveries',
      access: { roles: ['partner', 'admin', 'super_admin'] },
      params: AttachmentParams,
      responses: {
        200: { description: 'The photo', schema: PhotoDownload },
        404: problemResponse('No such delivery or photo, or not visible to the caller'),
      },
      handle: async ({ user, params }) => {
        const { attachment, stream } = await openProofPhoto(
          deps,
          user,
          params.id,
          params.attachment_id,
        );
        const name = `${attachment.id}.${extensionOf(attachment.content_type)}`;
        return {
          status: 200,
          body: stream,
          headers: {
            'Content-Type': attachment.content_type,
            'Content-Length': String(attachment.bytes),
            'Content-Disposition': `inline; filename="${name}"`,
            // The type is ours, from the stored row: a browser must not guess another.
            'X-Content-Type-Options': 'nosniff',
          },
        };
      },
    }),
  ];
}
