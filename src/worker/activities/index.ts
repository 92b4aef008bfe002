import type { Config } from '../../config';
import type { Db } from '../../db/knex';
import type { Logger } from '../../logger';
import { emailSettingsFrom, type EmailSettings } from '../notifications/email-settings';
import { webhookSettingsFrom, type WebhookSettings } from '../notifications/webhook-delivery';
import { DELIVERY_CHANNELS } from '../notifications/channels';
import { createEmailActivities } from './email';
import { createReadModelActivities } from './read-model';

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
 * All activities the delivery worker registers, built from their dependencies: the read model and
 * every notification channel's own (the email channel's `sendEmail` serves account emails too).
 */
export function createActivities(deps: ActivityDeps) {
  return Object.assign(
    createReadModelActivities(deps.db),
    ...DELIVERY_CHANNELS.map((channel) => channel.activities(deps)),
  ) as ReturnType<typeof createReadModelActivities> & ReturnType<typeof createEmailActivities>;
}
