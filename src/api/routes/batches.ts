import { Type } from '@sinclair/typebox';
import {
  batchReport,
  listBatches,
  submitBatch,
  type BatchReport,
} from '../../deliveries/delivery-batches';
import { DomainError, type ErrorCode } from '../../domain/errors';
import { IDEMPOTENCY_KEY_PATTERN } from '../../domain/idempotency-key';
import type { BatchItemProblem, StoredBatchItem } from '../../db/repositories/batches';
import {
  BATCH_MAX_DELIVERIES,
  BatchListQuery,
  BatchPage,
  BatchResource,
  CreateBatchRequest,
  type BatchItem,
  type BatchSummary,
} from '../../schemas/batches';
import { IdParams } from '../../schemas/common';
import type { AppDeps } from '../deps';
import { dateInDays, instantInDays } from '../examples';
import { problemResponse } from '../openapi-problems';
import { problemFromDomainError } from '../problem';
import { defineRoute } from '../route';
import { API_PREFIX } from '../router';

/** 1,000 deliveries at their largest (about 3.5 kB and 14 values each), with room to spare. */
const BATCH_JSON_LIMITS = { bytes: 4 * 1024 * 1024, values: BATCH_MAX_DELIVERIES * 20 };

const batchLocation = (id: string) => `${API_PREFIX}/deliveries/batches/${id}`;

/** A failed item's problem, worded as the single create would have answered it. */
function itemProblem(problem: BatchItemProblem) {
  const context = problem.errors ? { errors: problem.errors } : {};
  const { type, title, status, detail, errors } = problemFromDomainError(
    new DomainError(problem.code as ErrorCode, problem.detail, context),
  );
  return { type, title, status, detail, ...(errors ? { errors } : {}) };
}

function itemResource(item: StoredBatchItem): BatchItem {
  return {
    index: item.position,
    idempotency_key: item.idempotency_key,
    status: item.outcome ?? 'pending',
    delivery_id: item.delivery_id,
    problem: item.problem ? itemProblem(item.problem) : null,
  };
}

function batchSummary({ batch, counts }: Omit<BatchReport, 'items'>): BatchSummary {
  return {
    id: batch.id,
    status: batch.completed_at ? 'completed' : 'processing',
    total: batch.total,
    ...counts,
    created_at: new Date(batch.created_at).toISOString(),
    completed_at: batch.completed_at ? new Date(batch.completed_at).toISOString() : null,
  };
}

function batchResource(report: BatchReport): BatchResource {
  return { ...batchSummary(report), items: report.items.map(itemResource) };
}

export function batchRoutes(deps: AppDeps) {
  return [
    defineRoute({
      method: 'post',
      path: '/deliveries/batches',
      summary: `Request up to ${BATCH_MAX_DELIVERIES.toLocaleString('en')} deliveries at once (asynchronous, idempotent)`,
      description: `Answers 202 at once with the batch and its \`Location\`; a workflow then creates each delivery exactly as \`POST /deliveries\` would with its \`idempotency_key\` as the Idempotency-Key (same checks, same delivery for the same key, in this batch or another, or a single create), 10 at a time. Follow the progress and each item's result at \`GET /deliveries/batches/{id}\`; a \`batch.completed\` webhook announces the end. The envelope is checked whole first: a body the schema refuses (a missing \`product_name\`, a repeated \`idempotency_key\`) is a 400 naming each field as \`deliveries.<index>.<field>\`, and nothing is created. What only the create itself can tell (a window already past, a key used with another body) is that item's \`problem\`, and the others go on. Send an \`Idempotency-Key\` header as the batch key: a repeat answers with the same batch (\`Idempotent-Replayed: true\`) and creates nothing twice; without it, the same body is the key.`,
      tag: 'deliveries',
      curl: `curl -X POST "$API/deliveries/batches" -H "Authorization: Bearer $KEY" -H "Idempotency-Key: import-2030-01-31" \\\n  -H "Content-Type: application/json" -d '{"deliveries": [\n    {"idempotency_key": "order-1042", "product_name": "Espresso machine", "delivery_address": "12 Rue de la Paix, 75002 Paris", "delivery_date": "${dateInDays(7)}"},\n    {"idempotency_key": "order-1043", "product_name": "Coffee grinder", "delivery_address": "3 Place Bellecour, 69002 Lyon", "delivery_date": "${dateInDays(7)}"}]}'\n# then follow the Location header: curl "$API/deliveries/batches/$BATCH_ID" -H "Authorization: Bearer $KEY"`,
      access: { roles: ['partner'] },
      body: CreateBatchRequest,
      jsonLimits: BATCH_JSON_LIMITS,
      example: () => ({
        deliveries: [
          {
            idempotency_key: 'order-1042',
            product_name: 'Espresso machine',
            delivery_address: '12 Rue de la Paix, 75002 Paris',
            dropoff_window: { start: instantInDays(7, 9), end: instantInDays(7, 11) },
            recipient_email: 'camille.martin@example.com',
          },
          {
            idempotency_key: 'order-1043',
            product_name: 'Coffee grinder',
            delivery_address: '3 Place Bellecour, 69002 Lyon',
            dropoff_window: { start: instantInDays(7, 14), end: instantInDays(7, 16) },
          },
        ],
      }),
      headers: {
        'Idempotency-Key': {
          description:
            'The batch key: 1–255 printable ASCII characters, scoped to the caller; a repeat answers with the same batch and creates nothing twice',
          schema: Type.String({ minLength: 1, maxLength: 255, pattern: IDEMPOTENCY_KEY_PATTERN }),
        },
      },
      responses: {
        202: {
          description:
            'Accepted (or, with Idempotent-Replayed: true, a repeat); Location names the batch',
          schema: BatchResource,
        },
        403: problemResponse(
          'Only partners may request deliveries, and only once their email address is confirmed (`email-not-verified`)',
        ),
        422: problemResponse(
          'The Idempotency-Key was used with another batch',
          'idempotency-key-mismatch',
        ),
        503: problemResponse('Temporal is unreachable; retry after Retry-After seconds'),
      },
      handle: async ({ user, body, headers }) => {
        const key = headers['idempotency-key'] as string | undefined;
        const { batch, submitted } = await submitBatch(deps, user, body, key);
        const report = await batchReport(deps, user, batch.id);
        return {
          status: 202,
          body: batchResource(report),
          headers: {
            Location: batchLocation(batch.id),
            ...(submitted ? {} : { 'Idempotent-Replayed': 'true' }),
          },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/deliveries/batches',
      summary: 'Your batches, newest first, each with its progress',
      description:
        'Each batch with its counts (`processed` of `total`: `created`, `replayed`, `failed`), without its items: read one batch for those. A batch is `processing` until every item was tried.',
      tag: 'deliveries',
      curl: 'curl "$API/deliveries/batches?limit=20" -H "Authorization: Bearer $KEY"',
      access: { roles: ['partner'] },
      query: BatchListQuery,
      responses: { 200: { description: 'A page of batches', schema: BatchPage } },
      handle: async ({ user, query }) => {
        const page = await listBatches(deps, user, { ...query, limit: query.limit ?? 20 });
        return {
          status: 200,
          body: { data: page.rows.map(batchSummary), next_cursor: page.next_cursor },
        };
      },
    }),
    defineRoute({
      method: 'get',
      path: '/deliveries/batches/{id}',
      summary: 'A batch: its progress and each item’s result',
      description:
        'Each item is `pending` until tried, then `created`, `replayed` (its key was already a delivery with this body) or `failed` with the `problem` a single create would have answered. The batch is `completed` once every item was tried (the moment `batch.completed` is sent).',
      tag: 'deliveries',
      curl: 'curl "$API/deliveries/batches/$BATCH_ID" -H "Authorization: Bearer $KEY"',
      access: { roles: ['partner'] },
      params: IdParams,
      responses: {
        200: { description: 'The batch', schema: BatchResource },
        404: problemResponse('No such batch, or not yours'),
      },
      handle: async ({ user, params }) => ({
        status: 200,
        body: batchResource(await batchReport(deps, user, params.id)),
      }),
    }),
  ];
}
