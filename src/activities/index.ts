import type { Config } from '../config';
import type { Db } from '../db/knex';
import type { Logger } from '../logger';
import { emailSettingsFrom, type EmailSettings } from '../notifications/email-settings';
import { webhookSettingsFrom, type WebhookSettings } from '../notifications/webhook-delivery';
import { createEmailActivities } from './email';
import { createReadModelActivities } from './read-model';
import { createWebhookActivities } from './webhooks';

export interface ActivityDeps {
  db: Db;
  logger: Logger;
  email: EmailSettings;
  webhooks: WebhookSettings;
}

export function activityDepsFrom(config: Config, db: Db, logger: Logger): ActivityDeps {
  return { db, logger, email: emailSettingsFrom(config), webhooks: webhookSettingsFrom(config) };
}

/**
 * All activities the delivery worker registers: the read model's record (run as a local
 * activity), email (`sendEmails` for deliveries, `sendEmail` for account emails) and webhooks.
 */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createReadModelActivities(deps.db),
    ...createEmailActivities(deps),
    ...createWebhookActivities(deps.db, deps.webhooks),
  };
}
