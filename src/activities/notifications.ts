import { ApplicationFailure } from '@temporalio/activity';
import type { OutboundActivities, OutboundJob } from './outbound';

/** What became of one job of a batch: its activity's result, or its permanent refusal. */
export type NotificationOutcome =
  | { activity: OutboundJob['activity']; sent: unknown }
  | { activity: OutboundJob['activity']; rejected: string };

const isPermanent = (error: unknown) => error instanceof ApplicationFailure && error.nonRetryable;

/**
 * Every message of one change (its emails and its webhook) in one activity, where each channel
 * had one: one activity task and the workflow tasks of one completion instead of two. Each job
 * runs as its own activity would; a permanent refusal is recorded by it and reported here, a
 * transient failure retries the batch, whose retry re-sends nothing already sent (emails by
 * their keys, the webhook by its event's earlier attempts).
 */
export function createNotificationActivities(senders: OutboundActivities) {
  function send(job: OutboundJob): Promise<unknown> {
    switch (job.activity) {
      case 'sendEmails':
        return senders.sendEmails(job.payload);
      case 'deliverWebhook':
        return senders.deliverWebhook(job.payload);
      default: {
        const unknown: never = job;
        throw new Error(`No activity sends ${JSON.stringify(unknown)}`);
      }
    }
  }

  return {
    async sendNotifications(jobs: OutboundJob[]): Promise<NotificationOutcome[]> {
      const results = await Promise.allSettled(jobs.map(send));
      const transient = results.find((r) => r.status === 'rejected' && !isPermanent(r.reason));
      if (transient?.status === 'rejected') throw transient.reason;
      return results.map((result, i) => {
        const { activity } = jobs[i]!;
        return result.status === 'fulfilled'
          ? { activity, sent: result.value }
          : { activity, rejected: (result.reason as Error).message };
      });
    },
  };
}

export type NotificationActivities = ReturnType<typeof createNotificationActivities>;
