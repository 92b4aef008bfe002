import { ApplicationFailure } from '@temporalio/activity';
import { createHash } from 'node:crypto';
import { authUserOf, type AuthUser } from '../accounts/auth-user';
import {
  batchCounts,
  completeBatch,
  recordBatchItem,
  untriedBatchItems,
  type BatchItemProblem,
  type StoredBatchItem,
} from '../db/repositories/batches';
import { findUserById } from '../db/repositories/users';
import { createDelivery } from '../deliveries/create-delivery';
import type { DeliveryDeps } from '../deliveries/deps';
import { DomainError, forbidden, type FieldError } from '../domain/errors';
import type { Logger } from '../logger';
import { activityContext } from './context';
import type { WebhookJob } from '../notifications/webhook-message';
import type { CreateDeliveryRequest } from '../schemas/deliveries';
import {
  BATCH_ITEM_CONCURRENCY,
  type BatchChunk,
  type BatchSummary,
} from '../workflows/batch-messages';

/** Refusals that say "later", not "never": the activity is retried for them. */
const TRANSIENT_CODES = new Set(['unavailable', 'rate-limited']);

function problemOf(error: DomainError): BatchItemProblem {
  const errors = error.context['errors'];
  return {
    code: error.code,
    detail: error.message,
    ...(Array.isArray(errors) ? { errors: errors as FieldError[] } : {}),
  };
}

export const batchCompletedEventId = (batchId: string) =>
  'evt_' + createHash('sha256').update(`batch.completed:${batchId}`).digest('hex').slice(0, 32);

async function partnerOf(deps: DeliveryDeps, chunk: BatchChunk): Promise<AuthUser | DomainError> {
  const user = await findUserById(deps.db, chunk.partnerId);
  if (!user || !user.is_active) return forbidden('The partner account is no longer active.');
  return authUserOf(user, chunk.apiKey);
}

export function createBatchActivities(deps: DeliveryDeps, logger: Logger) {
  const log = logger.child({ component: 'batches' });

  /** One item, as POST /deliveries would take it; its outcome is stored, a transient error thrown. */
  async function createItem(
    chunk: BatchChunk,
    partner: AuthUser | DomainError,
    item: StoredBatchItem,
  ) {
    try {
      if (partner instanceof DomainError) throw partner;
      const request = item.request as CreateDeliveryRequest;
      const { delivery, created } = await createDelivery(
        deps,
        partner,
        request,
        item.idempotency_key,
      );
      await recordBatchItem(deps.db, chunk.batchId, item.position, {
        outcome: created ? 'created' : 'replayed',
        delivery_id: delivery.id,
        problem: null,
      });
    } catch (error) {
      if (!(error instanceof DomainError) || TRANSIENT_CODES.has(error.code)) throw error;
      await recordBatchItem(deps.db, chunk.batchId, item.position, {
        outcome: 'failed',
        delivery_id: null,
        problem: problemOf(error),
      });
    }
  }

  return {
    /**
     * Creates the chunk's untried items, BATCH_ITEM_CONCURRENCY at a time. Every item is tried
     * before a transient failure fails the attempt, whose retry tries only those left.
     */
    async createBatchItems(chunk: BatchChunk): Promise<number> {
      const partner = await partnerOf(deps, chunk);
      const items = await untriedBatchItems(deps.db, chunk.batchId, chunk.from, chunk.to);
      const failures: unknown[] = [];
      let next = 0;
      const lane = async () => {
        while (next < items.length) {
          const item = items[next++]!;
          await createItem(chunk, partner, item).catch((error: unknown) => failures.push(error));
          activityContext()?.heartbeat(next);
        }
      };
      await Promise.all(Array.from({ length: BATCH_ITEM_CONCURRENCY }, lane));
      if (failures.length > 0) {
        log.warn({ batchId: chunk.batchId, err: failures[0] }, 'batch items to retry');
        throw ApplicationFailure.retryable(
          `${failures.length} of ${items.length} items failed transiently: ${String(failures[0])}`,
          'batch-items-retry',
        );
      }
      return items.length;
    },

    /** Marks the batch completed and builds its `batch.completed` event (the same on a retry). */
    async finishBatch(batchId: string): Promise<{ summary: BatchSummary; webhook: WebhookJob }> {
      const batch = await completeBatch(deps.db, batchId);
      const counts = await batchCounts(deps.db, batchId);
      const completedAt = new Date(batch.completed_at!).toISOString();
      const summary: BatchSummary = {
        batch_id: batchId,
        total: batch.total,
        created: counts.created,
        replayed: counts.replayed,
        failed: counts.failed,
        completed_at: completedAt,
      };
      const webhook: WebhookJob = {
        partnerId: batch.partner_id,
        event: {
          id: batchCompletedEventId(batchId),
          type: 'batch.completed',
          created_at: completedAt,
          data: {
            ...summary,
            batch_url: `${deps.config.PUBLIC_URL}/api/v1/deliveries/batches/${batchId}`,
          },
        },
      };
      return { summary, webhook };
    },
  };
}

export type BatchActivities = ReturnType<typeof createBatchActivities>;
