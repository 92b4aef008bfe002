import { expect } from 'chai';
import { temporal } from '@temporalio/proto';
import { assignUpdate, transitionUpdate } from '../../src/workflows/delivery-messages';
import { changeArgs, startDelivery } from '../support/deliveries';
import { stack } from '../support/stack';
import { startTestWorker } from '../support/test-worker';
import { createUser } from '../support/users';
import { waitFor } from '../support/wait-for';

const { EventType } = temporal.api.enums.v1;
const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();

/** A delivery whose deadlines fall `assignInMs` and `dueInMs` from now, on `taskQueue`. */
async function startWithDeadlines(assignInMs: number, dueInMs: number, taskQueue?: string) {
  const deadlines = { assignBy: inMs(assignInMs), dueBy: inMs(dueInMs), timeZone: 'UTC' };
  return (await startDelivery({ deadlines, ...(taskQueue ? { taskQueue } : {}) })).input;
}

const eventsOf = (deliveryId: string) =>
  stack().db('delivery_events').where({ delivery_id: deliveryId }).orderBy('seq');

const noticesOf = (deliveryId: string, type: string) =>
  stack().db('notifications').where({ delivery_id: deliveryId, type }).select('user_id');

async function waitForEvent(deliveryId: string, type: string, timeoutMs = 20_000) {
  return waitFor(
    async () => (await eventsOf(deliveryId)).find((e: { type: string }) => e.type === type),
    `a ${type} event`,
    timeoutMs,
  );
}

const timerEvents = async (workflowId: string) => {
  const { events } = await stack().client.workflow.getHandle(workflowId).fetchHistory();
  const count = (type: number) => (events ?? []).filter((e) => e.eventType === type).length;
  return {
    started: count(EventType.EVENT_TYPE_TIMER_STARTED),
    canceled: count(EventType.EVENT_TYPE_TIMER_CANCELED),
  };
};

describe('durable deadlines', () => {
  it('when a delivery stays CREATED past the assignment SLA and its date, then each is recorded once and the right people are told', async () => {
    const boss = await createUser({ role: 'super_admin' });
    const retired = await createUser({ role: 'super_admin', is_active: false });
    const input = await startWithDeadlines(1500, 3000);

    const overdue = await waitForEvent(input.deliveryId, 'assignment_overdue');
    expect(overdue.to_status).to.equal('CREATED');
    expect(overdue.reason).to.match(/ASSIGNMENT_SLA/);
    const bossNotices = await noticesOf(input.deliveryId, 'delivery.assignment_overdue');
    const told = bossNotices.map((n: { user_id: string }) => n.user_id);
    expect(told).to.include(boss.user.id);
    expect(told).not.to.include(retired.user.id);
    expect(told).not.to.include(input.partnerId);

    await waitForEvent(input.deliveryId, 'delivery_overdue');
    const partnerNotices = await noticesOf(input.deliveryId, 'delivery.delivery_overdue');
    expect(partnerNotices.map((n: { user_id: string }) => n.user_id)).to.deep.equal([
      input.partnerId,
    ]);
    // Nothing is left to fire: the history shows one timer per deadline, each fired once.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const types = (await eventsOf(input.deliveryId)).map((e: { type: string }) => e.type);
    expect(types).to.deep.equal(['created', 'assignment_overdue', 'delivery_overdue']);
    expect(await timerEvents(input.idempotencyKey)).to.deep.equal({ started: 2, canceled: 0 });
  });

  it('when the delivery is assigned before the SLA, then the SLA timer is cancelled and only the date deadline is recorded, to the partner and the assignee', async () => {
    const admin = await createUser({ role: 'admin' });
    const boss = await createUser({ role: 'super_admin' });
    const input = await startWithDeadlines(2500, 4000);
    const handle = stack().client.workflow.getHandle(input.idempotencyKey);
    // Once the SLA timer runs: an assignment handled with the creation needs no timer at all.
    await waitFor(
      async () => ((await timerEvents(input.idempotencyKey)).started === 1 ? true : undefined),
      'the SLA timer',
    );
    await handle.executeUpdate(assignUpdate, {
      args: [{ ...changeArgs({ id: boss.user.id, role: 'super_admin' }), adminId: admin.user.id }],
    });

    await waitForEvent(input.deliveryId, 'delivery_overdue');
    const types = (await eventsOf(input.deliveryId)).map((e: { type: string }) => e.type);
    expect(types).to.deep.equal(['created', 'assigned', 'delivery_overdue']);
    const told = (await noticesOf(input.deliveryId, 'delivery.delivery_overdue')).map(
      (n: { user_id: string }) => n.user_id,
    );
    expect(told).to.have.members([input.partnerId, admin.user.id]);
    expect(await timerEvents(input.idempotencyKey)).to.deep.equal({ started: 2, canceled: 1 });
  });

  it('when a windowed delivery is not delivered by the window end, then delivery_late is recorded once instead of delivery_overdue, and the partner and assignee are told', async () => {
    const admin = await createUser({ role: 'admin' });
    const boss = await createUser({ role: 'super_admin' });
    const deadlines = {
      assignBy: inMs(60_000),
      dueBy: inMs(2500),
      timeZone: 'UTC',
      dueEvent: 'delivery_late' as const,
    };
    const { input, handle } = await startDelivery({ deadlines });
    await handle.executeUpdate(assignUpdate, {
      args: [{ ...changeArgs({ id: boss.user.id, role: 'super_admin' }), adminId: admin.user.id }],
    });
    const late = await waitForEvent(input.deliveryId, 'delivery_late');
    expect(late).to.include({
      to_status: 'ASSIGNED',
      reason: 'Not delivered by the end of its drop-off window.',
    });
    const told = (await noticesOf(input.deliveryId, 'delivery.delivery_late')).map(
      (n: { user_id: string }) => n.user_id,
    );
    expect(told).to.have.members([input.partnerId, admin.user.id]);
    const types = (await eventsOf(input.deliveryId)).map((e: { type: string }) => e.type);
    expect(types).to.deep.equal(['created', 'assigned', 'delivery_late']);
  });

  it('when the delivery finishes before its date, then no deadline is recorded', async () => {
    const admin = await createUser({ role: 'admin' });
    const boss = await createUser({ role: 'super_admin' });
    const input = await startWithDeadlines(1500, 2500);
    const handle = stack().client.workflow.getHandle(input.idempotencyKey);
    const adminActor = { id: admin.user.id, role: 'admin' as const };
    await handle.executeUpdate(assignUpdate, {
      args: [{ ...changeArgs({ id: boss.user.id, role: 'super_admin' }), adminId: admin.user.id }],
    });
    for (const status of ['IN_TRANSIT', 'COMPLETED'] as const) {
      await handle.executeUpdate(transitionUpdate, {
        args: [{ ...changeArgs(adminActor), status }],
      });
    }
    await handle.result();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const types = (await eventsOf(input.deliveryId)).map((e: { type: string }) => e.type);
    expect(types).to.deep.equal(['created', 'assigned', 'status_changed', 'status_changed']);
  });

  it('when the worker is down while the SLA passes, then the next worker records it exactly once', async () => {
    const email = stack().activityDeps.email;
    const first = await startTestWorker({ email });
    const input = await startWithDeadlines(2000, 60_000, first.taskQueue);
    await waitFor(
      async () =>
        (await eventsOf(input.deliveryId)).find((e: { type: string }) => e.type === 'created'),
      'the creation event',
    );
    await first.stop();
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect((await eventsOf(input.deliveryId)).map((e: { type: string }) => e.type)).to.deep.equal([
      'created',
    ]);

    const second = await startTestWorker({ email, taskQueue: first.taskQueue });
    try {
      await waitForEvent(input.deliveryId, 'assignment_overdue');
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const types = (await eventsOf(input.deliveryId)).map((e: { type: string }) => e.type);
      expect(types).to.deep.equal(['created', 'assignment_overdue']);
    } finally {
      await second.stop();
    }
  });
});
