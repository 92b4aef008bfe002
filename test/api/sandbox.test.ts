import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { deliveryBody } from '../support/deliveries';
import { emailsIn, notice, recordDeliveryNotifications } from '../support/notifications';
import { stack } from '../support/stack';
import { waitFor } from '../support/wait-for';
import { SANDBOX_COURIER_ID } from '../../src/domain/sandbox';
import { sandboxRemovalWorkflow } from '../../src/workflows';
import { SANDBOX_REMOVAL_SCHEDULE_ID } from '../../src/workflows/sandbox-removal-workflow';
import { bearer, createUserWithToken } from '../support/users';

const api = () => request(stack().app.callback());

async function createKey(token: string, body: Record<string, unknown>) {
  const res = await api()
    .post('/api/v1/api-keys')
    .set(bearer(token))
    .send({ name: `shop ${randomUUID()}`, ...body });
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return res.body as { id: string; key: string; prefix: string; sandbox: boolean };
}

async function createDeliveryWith(key: string, overrides: Record<string, unknown> = {}) {
  const idempotencyKey = randomUUID();
  const body = deliveryBody({ recipient_email: 'ada@example.test', ...overrides });
  const res = await api()
    .post('/api/v1/deliveries')
    .set(bearer(key))
    .set('Idempotency-Key', idempotencyKey)
    .send(body);
  expect(res.status, JSON.stringify(res.body)).to.equal(201);
  return { ...(res.body as { id: string; sandbox: boolean }), idempotencyKey, body };
}

const listedIds = async (token: string, partnerId: string) => {
  const res = await api()
    .get('/api/v1/deliveries')
    .query({ partner_id: partnerId, limit: 100 })
    .set(bearer(token));
  expect(res.status, JSON.stringify(res.body)).to.equal(200);
  return (res.body.data as { id: string }[]).map((d) => d.id);
};

describe('the sandbox', () => {
  it('when a partner asks for a sandbox key, then it is a dak_test_ key, listed as sandbox, beside a live dak_live_ one', async () => {
    const partner = await createUserWithToken({ role: 'partner' });
    const test = await createKey(partner.token, { sandbox: true });
    const live = await createKey(partner.token, {});
    expect(test.key).to.match(/^dak_test_[0-9A-Za-z]{32}$/);
    expect(test).to.include({ sandbox: true, prefix: test.key.slice(0, 15) });
    expect(live.key).to.match(/^dak_live_[0-9A-Za-z]{32}$/);
    expect(live.sandbox).to.equal(false);

    const list = await api().get('/api/v1/api-keys').set(bearer(partner.token));
    const byId = new Map(
      (list.body.data as { id: string; sandbox: boolean }[]).map((k) => [k.id, k]),
    );
    expect(byId.get(test.id)?.sandbox).to.equal(true);
    expect(byId.get(live.id)?.sandbox).to.equal(false);
    const [row] = await stack().db('api_keys').where({ id: test.id });
    expect(row.sandbox).to.equal(true);
  });

  it('when a sandbox key creates a delivery, then it is marked sandbox, its partner lists it and no admin or super admin does', async () => {
    const partner = await createUserWithToken({ role: 'partner' });
    const superAdmin = await createUserWithToken({ role: 'super_admin' });
    const { key: testKey } = await createKey(partner.token, { sandbox: true });
    const { key: liveKey } = await createKey(partner.token, {});

    const sandboxed = await createDeliveryWith(testKey);
    const live = await createDeliveryWith(liveKey);
    expect(sandboxed.sandbox).to.equal(true);
    expect(live.sandbox).to.equal(false);
    const rows = await stack().db('deliveries').whereIn('id', [sandboxed.id, live.id]);
    expect(Object.fromEntries(rows.map((r) => [r.id, r.sandbox]))).to.deep.equal({
      [sandboxed.id]: true,
      [live.id]: false,
    });

    const detail = await api().get(`/api/v1/deliveries/${sandboxed.id}`).set(bearer(testKey));
    expect(detail.body.sandbox).to.equal(true);
    expect(await listedIds(partner.token, partner.user.id)).to.have.members([
      sandboxed.id,
      live.id,
    ]);
    expect(await listedIds(superAdmin.token, partner.user.id)).to.deep.equal([live.id]);
  });

  it('when a sandbox delivery changes, then its recipient is not emailed, while its partner still is', async () => {
    const partner = await createUserWithToken({ role: 'partner' });
    const change = notice({
      partnerId: partner.user.id,
      recipientEmail: 'ada@example.test',
      sandbox: true,
    });
    const emails = emailsIn(await recordDeliveryNotifications(change));
    expect(emails.map((email) => email.to)).to.deep.equal([partner.user.email]);
  });

  describe('the simulated courier', () => {
    it("when a super admin lists users, then the courier's system account is not among the people", async () => {
      const boss = await createUserWithToken({ role: 'super_admin' });
      const ids = async (query: Record<string, string | number>) => {
        const res = await api().get('/api/v1/users').query(query).set(bearer(boss.token));
        expect(res.status, JSON.stringify(res.body)).to.equal(200);
        return (res.body.data as { id: string }[]).map((u) => u.id);
      };
      expect(await ids({ q: 'Sandbox Courier', limit: 100 })).not.to.include(SANDBOX_COURIER_ID);
      expect(await ids({ q: 'sandbox-courier@', limit: 100 })).to.deep.equal([]);
      expect(await ids({ q: boss.user.email, limit: 100 })).to.deep.equal([boss.user.id]);
    });

    // Three steps about 3 s apart; the margin is for a loaded 2-core machine.
    const finished = (id: string) =>
      waitFor(
        async () => {
          const [row] = await stack().db('deliveries').where({ id });
          return ['COMPLETED', 'FAILED'].includes(row.status) ? row : undefined;
        },
        `sandbox delivery ${id} to finish`,
        45_000,
      );

    const steps = async (key: string, id: string) => {
      const detail = await api().get(`/api/v1/deliveries/${id}`).set(bearer(key));
      expect(detail.status).to.equal(200);
      return (
        detail.body.timeline as { type: string; to_status: string; actor_id: string | null }[]
      ).map((event) => [event.type, event.to_status, event.actor_id]);
    };

    it('when a sandbox delivery is created, then the courier assigns it, takes it in transit and completes it, as a person would', async () => {
      const partner = await createUserWithToken({ role: 'partner' });
      const { key } = await createKey(partner.token, { sandbox: true });
      const delivery = await createDeliveryWith(key);

      const row = await finished(delivery.id);
      expect(row).to.include({ status: 'COMPLETED', assigned_to: SANDBOX_COURIER_ID });
      const courierRun = stack().client.workflow.getHandle(`sandbox-courier-${delivery.id}`);
      const courier = () => courierRun.describe();
      // The row is written inside the last update; the courier closes just after it returns.
      expect(await courierRun.result()).to.equal('Walked through');
      const walked = await courier();
      const repeat = await api()
        .post('/api/v1/deliveries')
        .set(bearer(key))
        .set('Idempotency-Key', delivery.idempotencyKey)
        .send(delivery.body);
      expect(repeat.status, 'a repeat after the walk').to.equal(200);
      expect((await courier()).runId, 'no second courier').to.equal(walked.runId);
      expect(await steps(key, delivery.id)).to.deep.equal([
        ['created', 'CREATED', partner.user.id],
        ['assigned', 'ASSIGNED', SANDBOX_COURIER_ID],
        ['status_changed', 'IN_TRANSIT', SANDBOX_COURIER_ID],
        ['status_changed', 'COMPLETED', SANDBOX_COURIER_ID],
      ]);
    });

    it('when the product name says [fail:address_not_found], then the courier fails it with that reason', async () => {
      const partner = await createUserWithToken({ role: 'partner' });
      const { key } = await createKey(partner.token, { sandbox: true });
      const delivery = await createDeliveryWith(key, {
        product_name: `Lamp [fail:address_not_found] ${randomUUID()}`,
      });

      const row = await finished(delivery.id);
      expect(row).to.include({ status: 'FAILED', failure_reason: 'address_not_found' });
    });

    it('when a live key creates a delivery, then no courier touches it', async () => {
      const partner = await createUserWithToken({ role: 'partner' });
      const { key } = await createKey(partner.token, {});
      const delivery = await createDeliveryWith(key);
      const courier = stack()
        .client.workflow.getHandle(`sandbox-courier-${delivery.id}`)
        .describe();
      await courier.then(
        () => expect.fail('a live delivery has no courier'),
        (error: Error) => expect(error.name).to.equal('WorkflowNotFoundError'),
      );
    });
  });

  describe('the 7-day removal', () => {
    const backdate = (ids: string[], days: number) =>
      stack()
        .db('deliveries')
        .whereIn('id', ids)
        .update({ created_at: stack().db.raw(`now() - make_interval(days => ${days})`) });

    it('when the removal runs, then finished sandbox deliveries older than 7 days go with their events; newer and live ones stay', async () => {
      const partner = await createUserWithToken({ role: 'partner' });
      const { key: testKey } = await createKey(partner.token, { sandbox: true });
      const { key: liveKey } = await createKey(partner.token, {});
      const old = await createDeliveryWith(testKey);
      const recent = await createDeliveryWith(testKey);
      const live = await createDeliveryWith(liveKey);
      await waitFor(
        async () => {
          const rows = await stack().db('deliveries').whereIn('id', [old.id, recent.id]);
          return rows.every((r) => r.status === 'COMPLETED') ? true : undefined;
        },
        'the sandbox deliveries to complete',
        45_000,
      );
      await backdate([old.id, live.id], 8);
      await backdate([recent.id], 6);

      const removed = await stack().client.workflow.execute(sandboxRemovalWorkflow, {
        workflowId: `sandbox-removal-test-${randomUUID()}`,
        taskQueue: stack().taskQueue,
      });
      expect(removed).to.be.at.least(1);
      const left = await stack()
        .db('deliveries')
        .whereIn('id', [old.id, recent.id, live.id])
        .pluck('id');
      expect(left).to.have.members([recent.id, live.id]);
      expect(await stack().db('delivery_events').where({ delivery_id: old.id })).to.deep.equal([]);
    });

    it('when the worker starts, then the hourly removal schedule exists', async () => {
      const described = await waitFor(
        () =>
          stack()
            .client.schedule.getHandle(SANDBOX_REMOVAL_SCHEDULE_ID)
            .describe()
            .catch(() => undefined),
        'the sandbox-removal schedule',
      );
      expect(described.action.workflowType).to.equal('sandboxRemovalWorkflow');
    });
  });
});
