import { ActivityFailure, log, patched, proxyActivities } from '@temporalio/workflow';
import type { BatchActivities, OutboundActivities } from '../activities/outbound';
import type { OutboundJob } from './delivery-event';
import { OUTBOUND_ACTIVITY_OPTIONS } from './outbound-options';

// Anything that leaves the system gets a durable retry policy of its own; which activity sends
// what is the channels' business (src/notifications/channels), planned by the record activity.
const outbound = proxyActivities<OutboundActivities & BatchActivities>(OUTBOUND_ACTIVITY_OPTIONS);

/**
 * Runs recorded before it scheduled one activity per job, also when one change had an email and a
 * webhook job; they keep doing so (see `OutboundSender.batched`).
 */
export const OUTBOUND_BATCH_PATCH = 'one-outbound-activity-per-change';

function start(job: OutboundJob): Promise<unknown> {
  const options = { summary: job.summary };
  switch (job.activity) {
    case 'sendEmails':
      return outbound.sendEmails.executeWithOptions(options, [job.payload]);
    case 'deliverWebhook':
      return outbound.deliverWebhook.executeWithOptions(options, [job.payload]);
    default: {
      const unknown: never = job;
      throw new Error(`No activity sends ${JSON.stringify(unknown)}`);
    }
  }
}

/** A recipient that cannot be reached must not fail the delivery: the failure is recorded. */
async function bestEffort(what: string, send: Promise<unknown>): Promise<void> {
  try {
    await send;
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    log.warn(`${what} gave up`, { cause: error.cause?.message ?? error.message });
  }
}

/**
 * Emails and webhooks: scheduled as they are planned, one activity per change (`sendNotifications`
 * when the change has more than one job); the run waits for them only at its end.
 */
export class OutboundSender {
  private readonly sending: Promise<void>[] = [];
  private batch: boolean | undefined;

  send(jobs: readonly OutboundJob[]): void {
    if (jobs.length > 1 && this.batched()) {
      const summary = jobs.map((job) => job.summary).join(' + ');
      const send = outbound.sendNotifications.executeWithOptions({ summary }, [[...jobs]]);
      this.sending.push(bestEffort(summary, send));
      return;
    }
    for (const job of jobs) this.sending.push(bestEffort(job.summary, start(job)));
  }

  /**
   * Asked once per run, at its first change with more than one job, so a run is of one shape
   * throughout and a run with none (a partner without a webhook endpoint) records no marker (a
   * patch costs two events: its marker and a TemporalChangeVersion upsert; asking at the first
   * task, beside the deadlines' patch, still costs both).
   */
  private batched(): boolean {
    this.batch ??= patched(OUTBOUND_BATCH_PATCH);
    return this.batch;
  }

  /** Resolves once every email and webhook sent so far has been delivered or given up. */
  async settled(): Promise<void> {
    await Promise.all(this.sending);
  }
}
