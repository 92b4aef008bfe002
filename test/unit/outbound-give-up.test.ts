import { Context, type Info } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { expect } from 'chai';
import type { WebhookJob } from '../../src/notifications/webhook-message';
import { deliveryWorkflow } from '../../src/workflows';
import type { DeliveryFanOut } from '../../src/workflows/delivery-event';
import { assignUpdate, transitionUpdate } from '../../src/workflows/delivery-messages';
import { changeArgs, deliveryInput, emailMessage, testActor } from '../support/delivery-input';
import {
  NOTHING_TO_SEND,
  recordingStore,
  withMockedWorker,
  type DeliveryActivities,
} from '../support/mocked-delivery-worker';
import { timeSkippingEnvForSuite } from '../support/time-skipping';

const DAY_MS = 24 * 60 * 60 * 1000;
/** The longest wait between two tries of an outbound activity (its retry policy's cap). */
const LONGEST_BACKOFF_MS = 10 * 60 * 1000;

function outboundFor(deliveryId: string, partnerId: string): DeliveryFanOut {
  const email = emailMessage('unit', {
    key: `${deliveryId}:created:partner:email`,
    to: 'partner@example.test',
    subject: 'Delivery requested',
    tag: 'delivery.created',
  });
  const webhook: WebhookJob = {
    partnerId,
    event: {
      id: `${deliveryId}:created`,
      type: 'delivery.created',
      created_at: new Date().toISOString(),
      data: {
        delivery_id: deliveryId,
        status: 'CREATED',
        previous_status: null,
        assigned_to: null,
        reason: null,
        changed_at: new Date().toISOString(),
        tracking_url: 'http://localhost:3000/track/unit-test-token-unit-test-token',
        dropoff_window: null,
        recipient_email: null,
        failure_reason: null,
        proof: null,
      },
    },
  };
  return {
    recorded: true,
    outbound: [
      { activity: 'sendEmails', summary: 'Email 1 recipient', payload: [email] },
      { activity: 'deliverWebhook', summary: 'Webhook delivery.created', payload: webhook },
    ],
  };
}

/** Outbound stand-ins that fail every try with `failure` and keep each try's activity info. */
function failingOutbound(failure: () => ApplicationFailure) {
  const tries = { sendEmails: [] as Info[], deliverWebhook: [] as Info[] };
  const activities: Pick<DeliveryActivities, 'sendEmails' | 'deliverWebhook'> = {
    async sendEmails() {
      tries.sendEmails.push(Context.current().info);
      throw failure();
    },
    async deliverWebhook() {
      tries.deliverWebhook.push(Context.current().info);
      throw failure();
    },
  };
  return { tries, activities };
}

describe('outbound give-up (time-skipping server: a day of retries in seconds)', function () {
  const env = timeSkippingEnvForSuite();
  const partner = testActor('partner');
  const boss = testActor('super_admin');
  const admin = testActor('admin');

  /** A delivery whose creation sends one email and one webhook, taken to COMPLETED. */
  async function completeDelivery(
    outbound: Pick<DeliveryActivities, 'sendEmails' | 'deliverWebhook'>,
  ) {
    const input = deliveryInput(partner.id);
    const store = recordingStore((record) =>
      record.type === 'created' ? outboundFor(input.deliveryId, partner.id) : NOTHING_TO_SEND,
    );
    return withMockedWorker(env(), { ...store, ...outbound }, async (taskQueue) => {
      const handle = await env().client.workflow.start(deliveryWorkflow, {
        taskQueue,
        workflowId: input.idempotencyKey,
        args: [input],
      });
      await handle.executeUpdate(assignUpdate, {
        args: [{ ...changeArgs(boss), adminId: admin.id }],
      });
      for (const status of ['IN_TRANSIT', 'COMPLETED'] as const) {
        await handle.executeUpdate(transitionUpdate, { args: [{ ...changeArgs(admin), status }] });
      }
      const delivery = await handle.result();
      // The run's own times (skipped time included), as the Temporal UI shows them.
      const { startTime, closeTime } = await handle.describe();
      return { delivery, startedAt: startTime.getTime(), closedAt: closeTime!.getTime() };
    });
  }

  it('when the email and the webhook fail for good but retryably, then each is retried for 24 hours, given up, and the delivery still completes', async () => {
    const { tries, activities } = failingOutbound(() =>
      ApplicationFailure.retryable('503 Service Unavailable', 'upstream-unavailable'),
    );
    const { delivery, closedAt } = await completeDelivery(activities);

    expect(delivery.status).to.equal('COMPLETED');
    for (const [name, infos] of Object.entries(tries)) {
      const first = infos[0]!;
      const last = infos.at(-1)!;
      const deadline = first.scheduledTimestampMs + DAY_MS;
      expect(first.scheduleToCloseTimeoutMs, name).to.equal(DAY_MS);
      expect(
        infos.map((i) => i.attempt),
        name,
      ).to.deep.equal(infos.map((_, n) => n + 1));
      expect(new Set(infos.map((i) => i.scheduledTimestampMs)).size, name).to.equal(1);
      // Still trying in the day's last back-off windows: no earlier give-up (after N tries, say).
      expect(last.currentAttemptScheduledTimestampMs, name).to.be.within(
        deadline - 2 * LONGEST_BACKOFF_MS,
        deadline,
      );
      // Given up once no further try fits in the day; only then does the run close.
      expect(closedAt, name).to.be.within(deadline - LONGEST_BACKOFF_MS, deadline);
      expect(closedAt, name).to.be.above(last.currentAttemptScheduledTimestampMs);
    }
  });

  it('when the email and the webhook are refused permanently, then each is tried once and the delivery completes without waiting for the day', async () => {
    const { tries, activities } = failingOutbound(() =>
      ApplicationFailure.nonRetryable('422 Inactive recipient', 'recipient-refused'),
    );
    const { delivery, startedAt, closedAt } = await completeDelivery(activities);

    expect(delivery.status).to.equal('COMPLETED');
    expect(tries.sendEmails).to.have.length(1);
    expect(tries.deliverWebhook).to.have.length(1);
    expect(closedAt - startedAt).to.be.below(LONGEST_BACKOFF_MS);
  });
});
