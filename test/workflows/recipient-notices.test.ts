import { randomUUID } from 'node:crypto';
import { WorkflowFailedError } from '@temporalio/client';
import { MockActivityEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { expect } from 'chai';
import request from 'supertest';
import { createActivities } from '../../src/activities';
import { createApp } from '../../src/api/app';
import { connectWorker } from '../../src/worker/create-worker';
import type { DeliveryEventRecord, DeliveryFanOut } from '../../src/workflows/delivery-event';
import { emailsIn } from '../support/notifications';
import { deliveryBody } from '../support/deliveries';
import {
  startFakePostmark,
  type FakePostmark,
  type ReceivedEmail,
} from '../support/postmark-server';
import { stack } from '../support/stack';
import { bearer, createUserWithToken } from '../support/users';
import { WebhookReceiver } from '../support/webhook-receiver';
import { workflowBundle } from '../support/workflow-bundle';

const WINDOW = { start: '2030-01-01T14:00:00.000Z', end: '2030-01-01T16:00:00.000Z' };

interface FlakyWorker {
  taskQueue: string;
  /** Each event key's record and what every attempt planned (the first one's answer is lost). */
  attempts: Map<string, { record: DeliveryEventRecord; plans: DeliveryFanOut[] }>;
  activities: ReturnType<typeof createActivities>;
  stop(): Promise<void>;
}

/**
 * The real delivery worker with email through `fake`, except that the first attempt of every
 * record activity commits and then fails, as when a worker dies before the answer reaches
 * Temporal: every event is recorded twice and planned twice.
 */
async function startFlakyWorker(fake: FakePostmark): Promise<FlakyWorker> {
  const taskQueue = `recipient-notices-${randomUUID()}`;
  const connection = await connectWorker(stack().temporalAddress);
  const activities = createActivities({
    ...stack().activityDeps,
    email: {
      serverToken: fake.token,
      apiUrl: fake.url,
      messageStream: 'outbound',
      from: 'Deliveries <no-reply@example.test>',
    },
  });
  const attempts: FlakyWorker['attempts'] = new Map();
  const worker = await Worker.create({
    connection,
    namespace: 'default',
    taskQueue,
    workflowBundle: { codePath: await workflowBundle() },
    activities: {
      ...activities,
      async recordDeliveryEvent(record: DeliveryEventRecord) {
        const result = await activities.recordDeliveryEvent(record);
        const seen = attempts.get(record.eventKey) ?? { record, plans: [] };
        attempts.set(record.eventKey, seen);
        seen.plans.push(result);
        if (seen.plans.length === 1) throw new Error('the answer was lost after the commit');
        return result;
      },
    },
  });
  const running = worker.run();
  return {
    taskQueue,
    attempts,
    activities,
    async stop() {
      worker.shutdown();
      await running;
      await connection.close();
    },
  };
}

const textOf = (email: ReceivedEmail) => String(email.body['TextBody']);
const htmlOf = (email: ReceivedEmail) => String(email.body['HtmlBody']);

describe('the recipient is told, end to end: API, workflow, record activity, Postmark', function () {
  this.timeout(90_000);
  let fake: FakePostmark;
  let worker: FlakyWorker;
  let receiver: WebhookReceiver;
  let app: ReturnType<typeof createApp>;
  const api = () => request(app.callback());

  before(async () => {
    fake = await startFakePostmark();
    worker = await startFlakyWorker(fake);
    // The API as configured, except that its runs go to the flaky worker's queue.
    app = createApp({
      ...stack().deps,
      config: { ...stack().config, TEMPORAL_TASK_QUEUE: worker.taskQueue },
    });
  });
  after(async () => {
    await worker?.stop();
    await fake?.close();
  });
  beforeEach(async () => {
    receiver = await new WebhookReceiver().start();
  });
  afterEach(() => receiver.stop());

  async function people() {
    const partner = await createUserWithToken({ role: 'partner' });
    const first = await createUserWithToken({ role: 'admin' });
    const second = await createUserWithToken({ role: 'admin' });
    const boss = await createUserWithToken({ role: 'super_admin' });
    const endpoint = await api()
      .put('/api/v1/webhooks/endpoint')
      .set(bearer(partner.token))
      .send({ url: receiver.url });
    expect(endpoint.status).to.equal(200);
    return { partner, first, second, boss };
  }

  async function create(partnerToken: string, recipient: string) {
    const product = `Espresso machine ${randomUUID().slice(0, 8)}`;
    const created = await api()
      .post('/api/v1/deliveries')
      .set(bearer(partnerToken))
      .send(
        deliveryBody({
          product_name: product,
          delivery_date: undefined,
          dropoff_window: WINDOW,
          recipient_email: recipient,
        }),
      );
    expect(created.status).to.equal(201);
    return {
      id: created.body.id as string,
      product,
      trackingUrl: created.body.tracking_url as string,
      handle: stack().client.workflow.getHandle(created.body.workflow_id as string),
    };
  }

  async function change(token: string, path: string, body: object) {
    const res = await api().post(path).set(bearer(token)).send(body);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body;
  }

  const webhooksOf = (deliveryId: string) =>
    receiver.received
      .map((r) => JSON.parse(r.body))
      .filter((event) => event.data.delivery_id === deliveryId);

  it('when a delivery with recipient_email is assigned, leaves and fails, then the recipient gets three emails, once each though every record was retried, each with the tracking link of that moment', async () => {
    const { partner, first, boss } = await people();
    const recipient = `recipient-${randomUUID()}@example.test`;
    const delivery = await create(partner.token, recipient);
    const base = `/api/v1/deliveries/${delivery.id}`;

    await change(boss.token, `${base}/assign`, { admin_id: first.user.id });
    // A link forwarded to the wrong person is replaced: later emails carry the new one.
    const replaced = (await change(partner.token, `${base}/tracking-link`, {})).tracking_url;
    expect(replaced).to.not.equal(delivery.trackingUrl);
    await change(first.token, `${base}/status`, { status: 'IN_TRANSIT' });
    await change(first.token, `${base}/status`, {
      status: 'FAILED',
      failure_reason: 'recipient_unavailable',
      reason: 'rang twice',
    });
    const closed = await delivery.handle.result().catch((error: unknown) => error);
    expect((closed as WorkflowFailedError).cause).to.include({ type: 'DeliveryFailed' });

    // Every record was retried, and the retry planned exactly what the lost attempt had.
    const recorded = [...worker.attempts.entries()].filter(([key]) => key.startsWith(delivery.id));
    expect(recorded).to.have.length(4);
    for (const [key, { plans }] of recorded) {
      // The creation was stored by the API before the workflow ran.
      const first = !key.endsWith(':created');
      expect(plans.map((plan) => plan.recorded)).to.deep.equal([first, false]);
      expect(emailsIn(plans[1]!.outbound)).to.deep.equal(emailsIn(plans[0]!.outbound));
    }

    const emails = fake.requestsTo(recipient);
    expect(emails.map((e) => e.status)).to.deep.equal([200, 200, 200]);
    const bySubject = new Map(emails.map((e) => [String(e.body['Subject']), e]));
    const scheduled = bySubject.get(`Your delivery of ${delivery.product} is scheduled`);
    const leaving = bySubject.get(`Your delivery of ${delivery.product} is on its way`);
    const failed = bySubject.get(`Your delivery of ${delivery.product} could not be completed`);
    expect(textOf(scheduled!)).to.equal(
      `A courier has been assigned to your delivery of ${delivery.product}. It should arrive on Tue, 1 Jan 2030 between 14:00 and 16:00 (UTC).\n\n` +
        `Follow your delivery: ${delivery.trackingUrl}\n`,
    );
    expect(textOf(leaving!))
      .to.include('is on its way. It should arrive on Tue, 1 Jan 2030 between 14:00 and 16:00')
      .and.include(`Follow your delivery: ${replaced}\n`);
    expect(textOf(failed!))
      .to.include('could not be completed. Nobody was available to receive the parcel.')
      .and.include(`Follow your delivery: ${replaced}\n`);
    expect(htmlOf(failed!)).to.include(`<a href="${replaced}">${replaced}</a>`);
    for (const email of emails) {
      for (const internal of [delivery.id, partner.user.id, first.user.id, 'rang twice']) {
        expect(textOf(email) + htmlOf(email)).to.not.include(internal);
      }
    }
    const rows = await stack()
      .db('email_messages')
      .where({ to_address: recipient })
      .orderBy('key')
      .select('key', 'status', 'attempts', 'tag');
    expect(rows.map((r: { key: string }) => r.key)).to.have.members(
      emails.map((e) => (e.body['Metadata'] as { key: string }).key),
    );
    for (const row of rows) {
      expect(row.key).to.match(new RegExp(`^${delivery.id}:.+:recipient:email$`));
      expect(row).to.include({ status: 'sent', attempts: 1 });
    }
    expect(rows.map((r: { tag: string }) => r.tag)).to.have.members([
      'recipient.assigned',
      'recipient.in_transit',
      'recipient.failed',
    ]);

    // The partner reads the failure's code and the courier's words, and where to look.
    const partnerFailed = fake
      .requestsTo(partner.user.email)
      .find((e) => e.body['Subject'] === 'Delivery failed');
    expect(textOf(partnerFailed!))
      .to.include(
        `Delivery "${delivery.product}" could not be delivered: Recipient unavailable — rang twice.`,
      )
      .and.include(
        `Open it in the console: ${stack().config.PUBLIC_URL}/console#/deliveries/${delivery.id}`,
      )
      .and.include(`Tracking page for the recipient: ${replaced}`);
    const adminEmails = fake.requestsTo(first.user.email);
    expect(adminEmails).to.have.length(1);
    expect(textOf(adminEmails[0]!)).to.include('/console#/deliveries/').and.not.include('/track/');

    const events = webhooksOf(delivery.id);
    expect(events.map((e) => e.type)).to.have.members([
      'delivery.created',
      'delivery.assigned',
      'delivery.status_changed',
      'delivery.status_changed',
    ]);
    for (const event of events) {
      expect(event.data).to.include({ recipient_email: recipient });
      expect(event.data.dropoff_window).to.deep.equal(WINDOW);
      expect(event.data.proof).to.equal(null);
    }
    const lastOf = events.find((e) => e.data.status === 'FAILED');
    expect(lastOf.data).to.include({
      previous_status: 'IN_TRANSIT',
      failure_reason: 'recipient_unavailable',
      reason: 'rang twice',
      tracking_url: replaced,
    });
    // A reset that re-applies the updates records every event again and sends its emails again:
    // the same keys, so Postmark hears nothing more.
    const before = fake.received.length;
    for (const [, { record }] of recorded) {
      const again = await worker.activities.recordDeliveryEvent(record);
      const emails = emailsIn(again.outbound);
      if (emails.length > 0) {
        await new MockActivityEnvironment().run(worker.activities.sendEmails, emails);
      }
    }
    expect(fake.received.length).to.equal(before);
    const createdEvent = events.find((e) => e.type === 'delivery.created');
    expect(createdEvent.data).to.include({
      tracking_url: delivery.trackingUrl,
      failure_reason: null,
    });
  });

  it('when a delivery is reassigned and completed with a proof, then the recipient hears of the first assignment only and the completed webhook carries the proof as the API shows it', async () => {
    const { partner, first, second, boss } = await people();
    const recipient = `recipient-${randomUUID()}@example.test`;
    const delivery = await create(partner.token, recipient);
    const base = `/api/v1/deliveries/${delivery.id}`;
    // A photo as the upload would have stored it (the bytes are not read here).
    const attachment = {
      id: randomUUID(),
      delivery_id: delivery.id,
      uploaded_by: second.user.id,
      content_type: 'image/jpeg',
      bytes: 1234,
      sha256: 'ab'.repeat(32),
      storage_key: `test/${randomUUID()}`,
    };
    await stack().db('delivery_attachments').insert(attachment);

    await change(boss.token, `${base}/assign`, { admin_id: first.user.id });
    await change(boss.token, `${base}/assign`, { admin_id: second.user.id });
    await change(second.token, `${base}/status`, { status: 'IN_TRANSIT' });
    await change(second.token, `${base}/status`, {
      status: 'COMPLETED',
      proof: {
        received_by: 'Ada Lovelace',
        note: 'Left at reception',
        attachment_ids: [attachment.id],
      },
    });
    await delivery.handle.result();

    const subjects = fake.requestsTo(recipient).map((e) => String(e.body['Subject']));
    expect(subjects).to.have.members([
      `Your delivery of ${delivery.product} is scheduled`,
      `Your delivery of ${delivery.product} is on its way`,
      `Your delivery of ${delivery.product} has been delivered`,
    ]);
    const delivered = fake
      .requestsTo(recipient)
      .find((e) => String(e.body['Subject']).endsWith('has been delivered'));
    expect(textOf(delivered!))
      .to.include('It was received by Ada Lovelace.')
      .and.not.include('reception');

    const shown = await api().get(base).set(bearer(partner.token));
    expect(shown.status).to.equal(200);
    expect(shown.body.proof.attachments[0].url).to.equal(
      `${stack().config.PUBLIC_URL}${base}/attachments/${attachment.id}`,
    );
    const completed = webhooksOf(delivery.id).find((e) => e.data.status === 'COMPLETED');
    expect(completed.type).to.equal('delivery.status_changed');
    expect(completed.data.proof).to.deep.equal(shown.body.proof);
    expect(completed.data).to.include({
      tracking_url: shown.body.tracking_url,
      failure_reason: null,
    });

    const partnerCompleted = fake
      .requestsTo(partner.user.email)
      .find((e) => e.body['Subject'] === 'Delivery completed');
    expect(textOf(partnerCompleted!)).to.include(
      `has been delivered, received by Ada Lovelace. Note: Left at reception.`,
    );
  });
});
