import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { expect } from 'chai';
import { createActivities } from '../../src/activities';
import {
  createNotificationActivities,
  type NotificationOutcome,
} from '../../src/activities/notifications';
import type { OutboundJob } from '../../src/activities/outbound';
import { upsertWebhookEndpoint } from '../../src/db/repositories/webhooks';
import type { EmailMessage } from '../../src/notifications/email-message';
import type { WebhookJob } from '../../src/notifications/webhook-message';
import { emailMessage } from '../support/delivery-input';
import { stack } from '../support/stack';
import { createUser } from '../support/users';
import { WebhookReceiver } from '../support/webhook-receiver';

function webhookJob(partnerId: string): WebhookJob {
  const at = new Date().toISOString();
  return {
    partnerId,
    event: {
      id: `evt_${randomUUID()}`,
      type: 'delivery.assigned',
      created_at: at,
      data: {
        delivery_id: randomUUID(),
        status: 'ASSIGNED',
        previous_status: 'CREATED',
        assigned_to: randomUUID(),
        reason: null,
        changed_at: at,
        tracking_url: 'http://localhost:3000/track/batch-test-token-batch-test-token',
        dropoff_window: null,
        recipient_email: null,
        failure_reason: null,
        proof: null,
      },
    },
  };
}

/** The activity's try number `attempt`, as Temporal would run it (SDK warnings muted). */
const attemptNo = (attempt: number) =>
  new MockActivityEnvironment({ attempt }, { logger: new DefaultLogger('ERROR') });

describe('one change’s emails and webhook in one activity (sendNotifications)', () => {
  let receiver: WebhookReceiver;
  let partnerId: string;
  let email: EmailMessage;
  let jobs: OutboundJob[];

  beforeEach(async () => {
    receiver = await new WebhookReceiver().start();
    partnerId = (await createUser({ role: 'partner' })).user.id;
    await upsertWebhookEndpoint(stack().db, {
      partner_id: partnerId,
      url: receiver.url,
      secret: 'whsec_batch',
    });
    email = emailMessage('batch');
    jobs = [
      { activity: 'sendEmails', summary: 'Email 1 recipient', payload: [email] },
      { activity: 'deliverWebhook', summary: 'Webhook', payload: webhookJob(partnerId) },
    ];
  });
  afterEach(() => receiver.stop());

  /** The real webhook sender beside emails that fail on their first try (kept in `sent`). */
  function emailsFailingOnce(sent: EmailMessage[][] = []) {
    let tries = 0;
    return createNotificationActivities({
      deliverWebhook: createActivities(stack().activityDeps).deliverWebhook,
      async sendEmails(messages) {
        tries += 1;
        if (tries === 1) throw ApplicationFailure.retryable('503', 'email-transient');
        sent.push(messages);
        return messages.map((m) => ({ key: m.key, outcome: 'sent' as const }));
      },
    });
  }

  it('when the emails fail for a while and the webhook is delivered, then the retry sends the emails and does not post the webhook again', async () => {
    const sent: EmailMessage[][] = [];
    const batch = emailsFailingOnce(sent);

    const first = await attemptNo(1)
      .run(batch.sendNotifications, jobs)
      .catch((error: unknown) => error);
    expect(first).to.be.instanceOf(ApplicationFailure).and.include({ nonRetryable: false });
    const outcomes: NotificationOutcome[] = await attemptNo(2).run(batch.sendNotifications, jobs);

    expect(receiver.received).to.have.length(1);
    expect(sent).to.have.length(1);
    expect(outcomes).to.deep.equal([
      { activity: 'sendEmails', sent: [{ key: email.key, outcome: 'sent' }] },
      { activity: 'deliverWebhook', sent: { kind: 'settled-before' } },
    ]);
  });

  it('when the endpoint refuses the event for good, then the batch completes with the refusal and a retry for the emails does not post it again', async () => {
    receiver.script = [410];
    const batch = emailsFailingOnce();

    await attemptNo(1)
      .run(batch.sendNotifications, jobs)
      .catch(() => undefined);
    const outcomes: NotificationOutcome[] = await attemptNo(2).run(batch.sendNotifications, jobs);
    expect(receiver.received).to.have.length(1);
    expect(outcomes[1]).to.deep.equal({
      activity: 'deliverWebhook',
      sent: { kind: 'settled-before' },
    });

    // Without a transient failure beside it, the refusal is the batch's answer, not a retry.
    const alone = createNotificationActivities({
      deliverWebhook: createActivities(stack().activityDeps).deliverWebhook,
      sendEmails: async () => [],
    });
    receiver.script = [410];
    const fresh: OutboundJob[] = [
      jobs[0]!,
      { activity: 'deliverWebhook', summary: 'Webhook', payload: webhookJob(partnerId) },
    ];
    const refused: NotificationOutcome[] = await attemptNo(1).run(alone.sendNotifications, fresh);
    expect(refused[1])
      .to.have.property('rejected')
      .that.matches(/HTTP 410/);
  });
});
