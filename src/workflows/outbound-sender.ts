import { ActivityFailure, log, proxyActivities } from '@temporalio/workflow';
import type { OutboundActivities } from '../activities/outbound';
import type { OutboundJob } from './delivery-event';
import { OUTBOUND_ACTIVITY_OPTIONS } from './outbound-options';

// Anything that leaves the system gets a durable retry policy of its own; which activity sends
// what is the channels' business (src/notifications/channels), planned by the record activity.
const outbound = proxyActivities<OutboundActivities>(OUTBOUND_ACTIVITY_OPTIONS);

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

/** Emails and webhooks: scheduled as they are planned; the run waits for them only at its end. */
export class OutboundSender {
  private readonly sending: Promise<void>[] = [];

  send(jobs: readonly OutboundJob[]): void {
    for (const job of jobs) this.sending.push(bestEffort(job.summary, start(job)));
  }

  /** Resolves once every email and webhook sent so far has been delivered or given up. */
  async settled(): Promise<void> {
    await Promise.all(this.sending);
  }
}
