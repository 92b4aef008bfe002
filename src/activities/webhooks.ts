import { ApplicationFailure, Context } from '@temporalio/activity';
import type { WebhookJob } from '../notifications/webhook-message';
import {
  attemptWebhook,
  type WebhookOutcome,
  type WebhookSettings,
} from '../notifications/webhook-delivery';
import type { Queryable } from '../db/knex';
import { countOutcome } from './outcome-metrics';

export function createWebhookActivities(db: Queryable, settings: WebhookSettings) {
  return {
    /**
     * POSTs the event to the partner's endpoint. Temporal retries a retryable failure with the
     * workflow's backoff; a permanent one (4xx other than 408/429, forbidden target) is final.
     */
    async deliverWebhook(job: WebhookJob): Promise<WebhookOutcome> {
      const outcome = await attemptWebhook(db, job, Context.current().info.attempt, settings);
      const retrying = outcome.kind === 'failed' && outcome.retryable;
      countOutcome(
        'webhook_outcomes',
        outcome.kind === 'failed' ? (retrying ? 'retrying' : 'rejected') : outcome.kind,
      );
      if (outcome.kind !== 'failed') return outcome;
      throw ApplicationFailure.create({
        type: outcome.retryable ? 'webhook-failed' : 'webhook-rejected',
        message: `Webhook ${job.event.id} to partner ${job.partnerId}: ${outcome.reason}`,
        nonRetryable: !outcome.retryable,
      });
    },
  };
}

export type WebhookActivities = ReturnType<typeof createWebhookActivities>;
