import { ApplicationFailure } from '@temporalio/activity';
import type { Db } from '../db/knex';
import { isPermanentDataError } from '../db/postgres-errors';
import { newTrackingToken } from '../tracking/tracking-token';
import {
  appendDeliveryEvent,
  findRecordedEvent,
  insertDeliveryRow,
  lockDeliveryForEvent,
  updateDeliveryWithEvent,
  type NewDeliveryEvent,
  type StoredState,
} from '../db/repositories/deliveries';
import { isChangeEvent, isDeadlineEvent } from '../domain/delivery-events';
import { planDeadlineFanOut, planDeliveryFanOut } from '../notifications/delivery-notifications';
import type { NotificationSettings } from '../notifications/notification-settings';
import { findWebhookEndpoint } from '../db/repositories/webhooks';
import type { DeliveryEventRecord, DeliveryFanOut } from '../workflows/delivery-event';

const eventOf = (record: DeliveryEventRecord): NewDeliveryEvent => ({
  deliveryId: record.delivery.id,
  eventKey: record.eventKey,
  type: record.type,
  fromStatus: record.fromStatus,
  toStatus: record.delivery.status,
  actorId: record.actorId,
  actorApiKeyId: record.actorApiKeyId ?? null,
  reason: record.reason,
  details: record.details ?? null,
  at: record.at,
});

/**
 * A row that disagrees with what the workflow believed it held was left ahead by a reset run
 * that did not re-apply its updates: say so on the timeline before the change that follows.
 */
function reconciliation(record: DeliveryEventRecord, stored: StoredState): NewDeliveryEvent | null {
  if (record.fromStatus === null || stored.status === record.fromStatus) return null;
  return {
    deliveryId: record.delivery.id,
    eventKey: `${record.eventKey}:reconciled`,
    type: 'reconciled',
    fromStatus: stored.status,
    toStatus: record.fromStatus,
    actorId: null,
    reason: `The workflow was reset to ${record.fromStatus}; the stored status ${stored.status} is corrected.`,
    at: record.at,
  };
}

/**
 * Who loses the delivery by this change, as the stored row (what people were told) has it: the
 * same as the workflow's own view, except after a reset that did not re-apply its updates, when
 * the workflow no longer knows the admin the row still names.
 */
function replacedAssignee(record: DeliveryEventRecord, stored: StoredState): string | null {
  return stored.assigned_to !== record.delivery.assigned_to ? stored.assigned_to : null;
}

/**
 * Runs a write; data and constraint errors become non-retryable failures, because retrying them
 * would loop forever while the delivery looked stuck.
 */
async function write<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (!isPermanentDataError(error)) throw error;
    throw ApplicationFailure.nonRetryable(
      `PostgreSQL refused ${what}: ${(error as Error).message}`,
      'read-model-rejected',
    );
  }
}

export function createReadModelActivities(db: Db, settings: NotificationSettings) {
  return {
    /**
     * The local activity behind every timeline event: the row, the event and the in-app
     * notifications in one transaction, once per event key. Returns what the channels send next
     * (the same on a retry, whose keys dedupe the sending), with links naming the row's tracking
     * token, which the workflow does not hold.
     */
    recordDeliveryEvent(record: DeliveryEventRecord): Promise<DeliveryFanOut> {
      const { type } = record;
      return write(`the ${record.type} event`, async (): Promise<DeliveryFanOut> => {
        // Every creation the API stored first (and retries of it): read only, no transaction.
        const stored = type === 'created' ? await findRecordedEvent(db, record.eventKey) : null;
        if (type === 'created' && stored) {
          const links = { settings, trackingToken: stored.trackingToken };
          const outbound = await planDeliveryFanOut(db, { ...record, type }, links, {
            store: false,
            webhookEndpoint: stored.webhookEndpoint,
          });
          return { recorded: false, outbound };
        }
        return db.transaction(async (trx) => {
          // Whoever the change may tell, read with the row: its partner and both assignees.
          const people = [record.delivery.assigned_to, record.previousAssignee].filter(
            (id): id is string => id !== null,
          );
          const locked = await lockDeliveryForEvent(
            trx,
            record.delivery.id,
            record.eventKey,
            people,
          );
          const { row, eventExists } = locked;
          let { webhookEndpoint } = locked;
          // No row means no event either (events reference their row).
          let trackingToken: string;
          if (!row) {
            // The API's insert (with its token) did not happen: this row gets a token of its own.
            trackingToken = await insertDeliveryRow(trx, {
              delivery: record.delivery,
              ...record.keys,
              trackingToken: newTrackingToken(),
            });
            await appendDeliveryEvent(trx, eventOf(record));
            webhookEndpoint = Boolean(await findWebhookEndpoint(trx, record.delivery.partner_id));
          } else {
            trackingToken = row.tracking_token;
            if (!eventExists) {
              const correction = reconciliation(record, row);
              if (correction) await appendDeliveryEvent(trx, correction);
              // Open tracking pages re-read the delivery once this transaction commits.
              await updateDeliveryWithEvent(trx, record.delivery, eventOf(record));
            }
          }
          const links = { settings, trackingToken };
          const recorded = !eventExists;
          if (isDeadlineEvent(type)) {
            return {
              recorded,
              outbound: await planDeadlineFanOut(trx, { ...record, type }, links),
            };
          }
          if (!isChangeEvent(type)) return { recorded, outbound: [] };
          const told =
            !eventExists && row ? { previousAssignee: replacedAssignee(record, row) } : {};
          const outbound = await planDeliveryFanOut(trx, { ...record, ...told, type }, links, {
            store: true,
            webhookEndpoint,
            people: locked.people,
          });
          return { recorded, outbound };
        });
      });
    },
  };
}

/** What the delivery workflow proxies (types only) as its local activity. */
export type ReadModelActivities = ReturnType<typeof createReadModelActivities>;
