import { ApplicationFailure } from '@temporalio/activity';
import { Models, ServerClient } from 'postmark';
import type { Db } from '../db/knex';
import {
  beginEmailAttempt,
  markEmailOutbox,
  markEmailSent,
  recordEmailError,
  redactEmailBodies,
  writeEmailsToOutbox,
} from '../db/repositories/email-messages';
import type { Logger } from '../logger';
import { activityContext } from './context';
import { countOutcome } from './outcome-metrics';
import { classifyEmailError, permanentFailureType } from '../notifications/email-failures';
import type { EmailMessage, EmailOutcome } from '../notifications/email-message';
import type { EmailSettings } from '../notifications/email-settings';

export interface EmailActivityDeps {
  db: Db;
  logger: Logger;
  email: EmailSettings;
}

// Shorter than the outbound heartbeat timeout (src/workflows/outbound-options.ts), so a hung
// request fails as a retryable error before Temporal gives the attempt up.
const REQUEST_TIMEOUT_SECONDS = 10;

/**
 * The message Postmark accepted under our key, if any. Postmark has no idempotency key, so a
 * sender that died between Postmark's answer and our `sent` mark leaves the outcome unknown;
 * the retry asks Postmark (outbound search by the `key` metadata we send) before sending again.
 */
async function acceptedEarlier(client: ServerClient, key: string): Promise<string | null> {
  const found = await client.getOutboundMessages({ count: 1, offset: 0, metadata_key: key });
  return found.Messages[0]?.MessageID ?? null;
}

function postmarkClient(settings: EmailSettings): ServerClient | null {
  if (!settings.serverToken) return null;
  const options: ConstructorParameters<typeof ServerClient>[1] = {
    timeout: REQUEST_TIMEOUT_SECONDS,
  };
  if (settings.apiUrl) {
    const url = new URL(settings.apiUrl);
    options.useHttps = url.protocol === 'https:';
    options.requestHost = (url.host + url.pathname).replace(/\/$/, '');
  }
  return new ServerClient(settings.serverToken, options);
}

export function createEmailActivities(deps: EmailActivityDeps) {
  const client = postmarkClient(deps.email);
  const log = deps.logger.child({ component: 'email' });

  /**
   * Sends one email at most once per `message.key` as far as this side can tell: a retry after
   * success does nothing. Transient failures throw (the caller's retry policy backs off);
   * permanent ones are recorded as `failed` and thrown as non-retryable.
   */
  async function sendEmail(message: EmailMessage): Promise<EmailOutcome> {
    try {
      const outcome = await attemptEmail(message);
      countOutcome('email_outcomes', outcome.outcome);
      return outcome;
    } catch (error) {
      const permanent = error instanceof ApplicationFailure && error.nonRetryable;
      countOutcome('email_outcomes', permanent ? 'rejected' : 'retrying');
      throw error;
    }
  }

  async function attemptEmail(message: EmailMessage): Promise<EmailOutcome> {
    const record = await beginEmailAttempt(deps.db, message);
    if (record.status === 'sent' || record.status === 'outbox') {
      return { key: message.key, outcome: 'sent-before' };
    }
    if (record.status === 'failed') {
      const reason = record.last_error ?? 'The email was rejected earlier.';
      throw ApplicationFailure.nonRetryable(reason, permanentFailureType(record.error_code));
    }
    if (client && record.attempts > 1) {
      // Each Postmark request is bounded by its own timeout; the heartbeat before each keeps a
      // lookup plus a send inside the activity's heartbeat timeout.
      activityContext()?.heartbeat();
      const messageId = await lookUpEarlierSend(client, message);
      if (messageId) {
        await markEmailSent(deps.db, message.key, messageId);
        return { key: message.key, outcome: 'sent-before' };
      }
    }
    if (!client) {
      await markEmailOutbox(deps.db, message.key);
      return wroteToOutbox(message);
    }
    try {
      activityContext()?.heartbeat();
      const sent = await client.sendEmail({
        From: deps.email.from,
        To: message.to,
        Subject: message.subject,
        TextBody: message.textBody,
        HtmlBody: message.htmlBody,
        Tag: message.tag,
        MessageStream: deps.email.messageStream,
        // Tracking would rewrite links through Postmark's redirector, tokens included.
        TrackOpens: false,
        TrackLinks: Models.LinkTrackingOptions.None,
        Metadata: { key: message.key },
      });
      await markEmailSent(deps.db, message.key, sent.MessageID);
      if (message.sensitive) await redactEmailBodies(deps.db, message.key);
      return { key: message.key, outcome: 'sent' };
    } catch (error) {
      const failure = classifyEmailError(error);
      await recordEmailError(deps.db, message.key, failure);
      log.warn(
        { key: message.key, to: message.to, failure, attempt: record.attempts },
        'email not sent',
      );
      if (failure.permanent) {
        throw ApplicationFailure.nonRetryable(failure.message, failure.type, {
          key: message.key,
          code: failure.code,
        });
      }
      throw ApplicationFailure.retryable(failure.message, failure.type);
    }
  }

  function wroteToOutbox(message: EmailMessage): EmailOutcome {
    const text = message.sensitive ? '(holds a secret: see npm run outbox)' : message.textBody;
    log.info(
      { key: message.key, to: message.to, subject: message.subject, text },
      'email written to the outbox (no POSTMARK_SERVER_TOKEN)',
    );
    return { key: message.key, outcome: 'outbox' };
  }

  /**
   * Without Postmark a change's emails go to the outbox in one statement (two per email
   * otherwise); only those an earlier attempt finished take the one-by-one path, which tells
   * `sent-before` from a recorded rejection.
   */
  async function sendToOutbox(messages: EmailMessage[]): Promise<EmailOutcome[]> {
    let written: Set<string>;
    try {
      written = await writeEmailsToOutbox(deps.db, messages);
    } catch (error) {
      // Nothing written (one statement): every message is tried again.
      messages.forEach(() => countOutcome('email_outcomes', 'retrying'));
      throw error;
    }
    const outcomes: EmailOutcome[] = [];
    for (const message of messages) {
      if (written.has(message.key)) {
        countOutcome('email_outcomes', 'outbox');
        outcomes.push(wroteToOutbox(message));
      } else {
        outcomes.push(await settledEarlier(message));
      }
    }
    return outcomes;
  }

  /** A message an earlier attempt finished: sent before, or rejected for good. */
  async function settledEarlier(message: EmailMessage): Promise<EmailOutcome> {
    try {
      return await sendEmail(message);
    } catch (error) {
      if (error instanceof ApplicationFailure && error.nonRetryable) {
        return { key: message.key, outcome: 'rejected', reason: error.message };
      }
      throw error;
    }
  }

  /** An earlier attempt's send, or null; a failed lookup is transient (sending blind could double). */
  async function lookUpEarlierSend(
    postmark: ServerClient,
    message: EmailMessage,
  ): Promise<string | null> {
    try {
      return await acceptedEarlier(postmark, message.key);
    } catch (error) {
      const failure = classifyEmailError(error);
      await recordEmailError(deps.db, message.key, { ...failure, permanent: false });
      throw ApplicationFailure.retryable(
        `Could not check whether an earlier attempt was sent: ${failure.message}`,
        failure.type,
      );
    }
  }

  return {
    sendEmail,
    /**
     * Every email of one change in one activity: each is sent at most once by its key, a
     * permanent rejection is recorded and skipped, a transient failure retries the rest.
     */
    async sendEmails(messages: EmailMessage[]): Promise<EmailOutcome[]> {
      if (!client) return sendToOutbox(messages);
      const outcomes: EmailOutcome[] = [];
      let transient: unknown;
      // Each Postmark request heartbeats first, so a worker that dies mid-batch is noticed at the
      // heartbeat timeout, not the batch's.
      for (const message of messages) {
        try {
          outcomes.push(await sendEmail(message));
        } catch (error) {
          if (error instanceof ApplicationFailure && error.nonRetryable) {
            outcomes.push({ key: message.key, outcome: 'rejected', reason: error.message });
          } else {
            transient ??= error;
          }
        }
      }
      // The retry sends only what is still unsent: the others are recorded by their keys.
      if (transient) throw transient;
      return outcomes;
    },
  };
}

/** What workflows proxy (types only): `sendEmail` for one, `sendEmails` for a change's batch. */
export type EmailActivities = ReturnType<typeof createEmailActivities>;
