import type { Client } from '@temporalio/client';
import type { Config } from '../config';
import type { Db } from '../db/knex';
import type { Logger } from '../logger';
import { emailSettingsFrom, type EmailSettings } from '../notifications/email-settings';
import {
  notificationSettingsFrom,
  type NotificationSettings,
} from '../notifications/notification-settings';
import { webhookSettingsFrom, type WebhookSettings } from '../notifications/webhook-delivery';
import { createDispatchActivities } from './dispatch';
import type { DeliveryDeps } from '../deliveries/deps';
import { Admission } from '../temporal/admission';
import { createBatchActivities } from './batches';
import { createEmailActivities } from './email';
import { createNotificationActivities } from './notifications';
import { createReadModelActivities } from './read-model';
import { createSandboxCourierActivities } from './sandbox-courier';
import { createSandboxRemovalActivities } from './sandbox-removal';
import { createWebhookActivities } from './webhooks';

export interface ActivityDeps {
  db: Db;
  logger: Logger;
  email: EmailSettings;
  webhooks: WebhookSettings;
  notifications: NotificationSettings;
  /** What a batch's activities create deliveries with: the single create's own dependencies. */
  deliveries: DeliveryDeps;
}

/**
 * Admission off: a batch bounds its own creates (BATCH_PARALLEL_CHUNKS × BATCH_ITEM_CONCURRENCY
 * in flight), and the API's admission guards the API process's calls, not the worker's.
 */
const UNADMITTED = new Admission(
  { targetMs: 0, minInFlight: 0, maxInFlight: 0, createBacklogLimit: 0, callerShare: 1 },
  null,
);

export function activityDepsFrom(
  config: Config,
  db: Db,
  logger: Logger,
  temporal: Client,
): ActivityDeps {
  return {
    deliveries: { config, db, temporal, admission: UNADMITTED },
    db,
    logger,
    email: emailSettingsFrom(config),
    webhooks: webhookSettingsFrom(config),
    notifications: notificationSettingsFrom(config),
  };
}

/**
 * All activities the delivery worker registers: the read model's record (run as a local
 * activity), auto-dispatch's offers (local activities too), email (`sendEmails` for deliveries, `sendEmail` for account emails), webhooks, and
 * `sendNotifications`, a change's emails and webhook in one activity; and a bulk create's
 * `createBatchItems` and `finishBatch`; the sandbox courier's `moveSandboxDelivery` and the
 * hourly `removeSandboxDeliveries`.
 */
export function createActivities(deps: ActivityDeps) {
  const email = createEmailActivities(deps);
  const webhooks = createWebhookActivities({ ...deps, sendEmail: email.sendEmail });
  return {
    ...createReadModelActivities(deps.db, deps.notifications),
    ...createDispatchActivities(deps.db, deps.notifications),
    ...email,
    ...webhooks,
    ...createNotificationActivities({ ...email, ...webhooks }),
    ...createBatchActivities(deps.deliveries, deps.logger),
    ...createSandboxCourierActivities(deps.deliveries),
    ...createSandboxRemovalActivities(deps.db),
  };
}
