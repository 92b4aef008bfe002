import type { Db } from '../db/knex';
import type { Logger } from '../logger';
import type { EmailSettings } from '../notifications/email-settings';
import type { WebhookSettings } from '../notifications/webhook-delivery';
import { createEmailActivities } from './email';
import { createNotificationActivities } from './notifications';
import { createReadModelActivities } from './read-model';
import { createWebhookActivities } from './webhooks';

export interface ActivityDeps {
  db: Db;
  logger: Logger;
  email: EmailSettings;
  webhooks: WebhookSettings;
}

/** All activities the delivery worker registers, built from their dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createReadModelActivities(deps.db),
    ...createEmailActivities(deps),
    ...createNotificationActivities(),
    ...createWebhookActivities(deps.webhooks),
  };
}
