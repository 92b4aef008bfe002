import { ApplicationFailure, Context, type Info } from '@temporalio/activity';
import { msToNumber } from '@temporalio/common/lib/time';
import type { Queryable } from '../db/knex';
import {
  clearWebhookFailures,
  findWebhookEndpoint,
  recordWebhookFailure,
} from '../db/repositories/webhooks';
import { findUserById } from '../db/repositories/users';
import type { Logger } from '../logger';
import type { EmailMessage, EmailOutcome } from '../notifications/email-message';
import {
  sendAndLogWebhook,
  type WebhookOutcome,
  type WebhookSettings,
} from '../notifications/webhook-delivery';
import { webhookDisabledEmail } from '../notifications/webhook-disabled-email';
import type { WebhookJob } from '../notifications/webhook-message';
import { nextRetryAt, type RetrySchedule } from '../notifications/webhook-retry';
import { countOutcome } from './outcome-metrics';

/** The schedule Temporal retries this activity on, from what the server told the worker. */
function retrySchedule(info: Info): RetrySchedule | null {
  const policy = info.retryPolicy;
  if (!policy?.initialInterval) return null;
  const initialIntervalMs = msToNumber(policy.initialInterval);
  return {
    initialIntervalMs,
    backoffCoefficient: policy.backoffCoefficient ?? 2,
    maximumIntervalMs: policy.maximumInterval
      ? msToNumber(policy.maximumInterval)
      : 100 * initialIntervalMs,
    maximumAttempts: policy.maximumAttempts ?? 0,
    deadlineMs: info.scheduleToCloseTimeoutMs
      ? info.scheduledTimestampMs + info.scheduleToCloseTimeoutMs
      : Infinity,
  };
}

export interface WebhookActivityDeps {
  db: Queryable;
  logger: Logger;
  webhooks: WebhookSettings;
  /** The email activity's sender: at most once per message key. */
  sendEmail: (message: EmailMessage) => Promise<EmailOutcome>;
}

export function createWebhookActivities(deps: WebhookActivityDeps) {
  const { db, webhooks: settings } = deps;
  const log = deps.logger.child({ component: 'webhooks' });

  /**
   * Emails the partner that its endpoint is disabled, once per disablement (the message key).
   * A rejected email is logged, not retried; a transient failure fails the attempt, whose retry
   * asks again.
   */
  async function noticeDisabled(partnerId: string): Promise<void> {
    const endpoint = await findWebhookEndpoint(db, partnerId);
    const partner = await findUserById(db, partnerId);
    if (!endpoint?.disabled_at || !partner) return;
    const message = webhookDisabledEmail({
      endpoint: { ...endpoint, disabled_at: endpoint.disabled_at },
      to: partner.email,
      firstName: partner.first_name,
      publicUrl: settings.publicUrl,
    });
    try {
      await deps.sendEmail(message);
    } catch (error) {
      if (!(error instanceof ApplicationFailure && error.nonRetryable)) throw error;
      log.warn({ partnerId, key: message.key, err: error }, 'endpoint-disabled email rejected');
    }
  }

  /** A 2xx ends the endpoint's run of failures; 24 hours of them disable it. */
  async function followEndpointHealth(partnerId: string, outcome: WebhookOutcome) {
    switch (outcome.kind) {
      case 'delivered':
        return clearWebhookFailures(db, partnerId);
      case 'failed':
        if (await recordWebhookFailure(db, partnerId, settings.disableAfterMs)) {
          await noticeDisabled(partnerId);
        }
        return;
      case 'endpoint-disabled':
        return noticeDisabled(partnerId);
      case 'settled-before':
      case 'no-endpoint':
        return;
      default: {
        const unknown: never = outcome;
        throw new Error(`Unknown webhook outcome ${JSON.stringify(unknown)}`);
      }
    }
  }

  return {
    /**
     * POSTs the event to the partner's endpoint. Temporal retries a retryable failure with the
     * workflow's backoff; a permanent one (4xx other than 408/429, forbidden target) is final.
     * A disabled endpoint is not called: the event is logged for a replay.
     */
    async deliverWebhook(job: WebhookJob): Promise<WebhookOutcome> {
      const info = Context.current().info;
      const schedule = retrySchedule(info);
      const { outcome } = await sendAndLogWebhook(db, job, info.attempt, settings, {
        nextRetryAt: (now) =>
          schedule ? nextRetryAt(schedule, info.attempt, now.getTime()) : null,
      });
      await followEndpointHealth(job.partnerId, outcome);
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
