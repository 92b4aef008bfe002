import type { Server } from 'node:http';
import { WorkflowFailedError } from '@temporalio/client';
import { expect } from 'chai';
import request from 'supertest';
import { closeServer, listen } from '../../src/api/listen';
import type { Actor } from '../../src/domain/delivery-rules';
import {
  assignUpdate,
  cancelUpdate,
  transitionUpdate,
} from '../../src/workflows/delivery-messages';
import { changeArgs, deliveryBody, startDelivery } from '../support/deliveries';
import { SseClient } from '../support/sse-client';
import { stack } from '../support/stack';
import { bearer, createUserWithToken } from '../support/users';
import { waitFor } from '../support/wait-for';
import { WebhookReceiver } from '../support/webhook-receiver';
import { baseUrl } from '../support/base-url';

async function person(role: Actor['role']) {
  const { user, token } = await createUserWithToken({ role });
  return { actor: { id: user.id, role } as Actor, email: user.email, token };
}

const titlesOf = async (userId: string) =>
  (await stack().db('notifications').where({ user_id: userId }).orderBy('seq').select('title')).map(
    (r: { title: string }) => r.title,
  );

async function registerEndpoint(token: string, url: string): Promise<void> {
  const res = await request(stack().app.callback())
    .put('/api/v1/webhooks/endpoint')
    .set(bearer(token))
    .send({ url });
  expect(res.status).to.equal(200);
}

describe('delivery notifications, end to end through the workflow', () => {
  let server: Server;
  let streamUrl: string;
  let receiver: WebhookReceiver;
  let superAdmin: Actor;

  before(async () => {
    server = await listen(stack().app, 0, '127.0.0.1');
    streamUrl = `${baseUrl(server)}/api/v1/notifications/stream`;
    superAdmin = (await person('super_admin')).actor;
  });
  after(() => closeServer(server));
  beforeEach(async () => {
    receiver = await new WebhookReceiver().start();
  });
  afterEach(() => receiver.stop());

  it('when an admin moves a delivery IN_TRANSIT through the API, then the partner’s open stream shows it within a second', async () => {
    const partner = await person('partner');
    const admin = await person('admin');
    const boss = await person('super_admin');
    const api = request(server);
    const created = await api
      .post('/api/v1/deliveries')
      .set(bearer(partner.token))
      .send(deliveryBody());
    expect(created.status).to.equal(201);
    const id = created.body.id as string;
    const assigned = await api
      .post(`/api/v1/deliveries/${id}/assign`)
      .set(bearer(boss.token))
      .send({ admin_id: admin.actor.id });
    expect(assigned.status).to.equal(200);

    const stream = await SseClient.open(streamUrl, bearer(partner.token));
    try {
      await stream.waitFor((events) => events.length > 0);
      const started = Date.now();
      const moved = await api
        .post(`/api/v1/deliveries/${id}/status`)
        .set(bearer(admin.token))
        .send({ status: 'IN_TRANSIT' });
      expect(moved.status).to.equal(200);
      const inTransit = () =>
        stream
          .notifications()
          .map((e) => JSON.parse(e.data!))
          .find((n) => n.delivery_id === id && n.type === 'delivery.status_changed');
      await stream.waitFor(() => inTransit() !== undefined, 1000);
      expect(Date.now() - started).to.be.below(1000);
      expect(inTransit()).to.include({ title: 'Delivery in transit' });
    } finally {
      stream.close();
    }
    await stack().client.workflow.getHandle(created.body.workflow_id).terminate('test finished');
  });

  it('when a delivery is assigned, reassigned, moved and completed, then each person hears what the rules say, by app and email', async () => {
    const partner = await person('partner');
    const first = await person('admin');
    const second = await person('admin');
    const { handle, input } = await startDelivery({ partnerId: partner.actor.id });
    await handle.executeUpdate(assignUpdate, {
      args: [{ ...changeArgs(superAdmin), adminId: first.actor.id }],
    });
    await handle.executeUpdate(assignUpdate, {
      args: [{ ...changeArgs(superAdmin), adminId: second.actor.id }],
    });
    await handle.executeUpdate(transitionUpdate, {
      args: [{ ...changeArgs(second.actor), status: 'IN_TRANSIT' }],
    });
    await handle.executeUpdate(transitionUpdate, {
      args: [{ ...changeArgs(second.actor), status: 'COMPLETED' }],
    });
    // The workflow completes only once every notification has been handed over.
    await handle.result();

    expect(await titlesOf(partner.actor.id)).to.deep.equal([
      'Delivery assigned',
      'Delivery reassigned',
      'Delivery in transit',
      'Delivery completed',
    ]);
    expect(await titlesOf(first.actor.id)).to.deep.equal([
      'Delivery assigned to you',
      'Delivery reassigned',
    ]);
    expect(await titlesOf(second.actor.id)).to.deep.equal(['Delivery assigned to you']);

    const emails = await stack()
      .db('email_messages')
      .whereIn('to_address', [partner.email, first.email, second.email])
      .select('to_address', 'subject');
    expect(emails).to.have.length(7);
    expect(
      emails.filter((e: { to_address: string }) => e.to_address === partner.email),
    ).to.have.length(4);
    const [row] = await stack().db('notifications').where({ user_id: partner.actor.id }).limit(1);
    expect(row.delivery_id).to.equal(input.deliveryId);
    expect(row.message).to.match(/^Delivery "Espresso machine" /);
  });

  it('when the partner’s endpoint answers 500 then 200, then the event is retried with the same id and both attempts are listed', async () => {
    const partner = await person('partner');
    await registerEndpoint(partner.token, receiver.url);
    receiver.script = [500];
    const { handle } = await startDelivery({ partnerId: partner.actor.id });

    await waitFor(
      async () => (receiver.received.length >= 2 ? true : undefined),
      'the retried webhook',
      10_000,
    );
    const [failed, delivered] = receiver.received;
    expect(failed!.headers['webhook-id']).to.equal(delivered!.headers['webhook-id']);
    expect(JSON.parse(delivered!.body).type).to.equal('delivery.created');

    // The attempt is recorded once the partner's answer is read, just after the receiver saw it.
    const list = await waitFor(async () => {
      const res = await request(stack().app.callback())
        .get('/api/v1/webhooks/attempts')
        .set(bearer(partner.token));
      return res.body.data.length >= 2 ? res : undefined;
    }, 'both attempts listed');
    expect(
      list.body.data.map((a: { status_code: number; attempt: number }) => [
        a.status_code,
        a.attempt,
      ]),
    ).to.deep.equal([
      [200, 2],
      [500, 1],
    ]);
    await handle.terminate('test finished');
  });

  it('when the endpoint refuses an event for good (410), then it is not retried and the delivery still completes', async () => {
    const partner = await person('partner');
    const admin = await person('admin');
    await registerEndpoint(partner.token, receiver.url);
    receiver.script = [410, 410, 410];
    const { handle } = await startDelivery({ partnerId: partner.actor.id });
    await handle.executeUpdate(assignUpdate, {
      args: [{ ...changeArgs(superAdmin), adminId: admin.actor.id }],
    });
    await handle.executeUpdate(cancelUpdate, {
      args: [{ ...changeArgs(partner.actor), reason: 'No longer needed' }],
    });

    const closed = await handle.result().catch((error: unknown) => error);
    expect((closed as WorkflowFailedError).cause).to.include({ type: 'DeliveryCancelled' });
    const attempts = await stack()
      .db('webhook_attempts')
      .where({ partner_id: partner.actor.id })
      .orderBy('created_at')
      .select('event_type', 'status_code', 'attempt');
    expect(attempts).to.have.deep.members([
      { event_type: 'delivery.created', status_code: 410, attempt: 1 },
      { event_type: 'delivery.assigned', status_code: 410, attempt: 1 },
      { event_type: 'delivery.cancelled', status_code: 410, attempt: 1 },
    ]);
    expect(await titlesOf(admin.actor.id)).to.deep.equal([
      'Delivery assigned to you',
      'Delivery cancelled',
    ]);
  });
});
