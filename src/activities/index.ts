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
import { createEmailActivities } from './email';
import { createNotificationActivities } from './notifications';
import { createReadModelActivities } from './read-model';
import { createWebhookActivities } from './webhooks';

export interface ActivityDeps {
  db: Db;
  logger: Logger;
  email: EmailSettings;
  webhooks: WebhookSettings;
  notifications: NotificationSettings;
}

export function activityDepsFrom(config: Config, db: Db, logger: Logger): ActivityDeps {
  return {
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
 * `sendNotifications`, a change's emails and webhook in one activity.
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
  };
}
