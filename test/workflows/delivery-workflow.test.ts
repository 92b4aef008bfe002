import { randomUUID } from 'node:crypto';
import {
  WorkflowFailedError,
  WorkflowUpdateFailedError,
  type WorkflowHandle,
} from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { expect } from 'chai';
import type { Actor } from '../../src/domain/delivery-rules';
import {
  assignUpdate,
  cancelUpdate,
  getDeliveryQuery,
  transitionUpdate,
} from '../../src/workflows/delivery-messages';
import {
  assignedAdminIdKey,
  deliveryDateKey,
  deliveryIdKey,
  deliveryStatusKey,
  partnerIdKey,
} from '../../src/workflows/search-attributes';
import { changeArgs, startDelivery } from '../support/deliveries';
import { stack } from '../support/stack';
import { createUser } from '../support/users';
import { waitFor } from '../support/wait-for';

const actor = async (role: Actor['role']): Promise<Actor> => {
  const { user } = await createUser({ role });
  return { id: user.id, role };
};

async function rejection(promise: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(WorkflowUpdateFailedError);
    const cause = (error as WorkflowUpdateFailedError).cause;
    expect(cause).to.be.instanceOf(ApplicationFailure);
    return cause as ApplicationFailure;
  }
  throw new Error('expected the update to be rejected');
}

async function closedWith(handle: WorkflowHandle): Promise<ApplicationFailure> {
  const error = await handle.result().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).to.be.instanceOf(WorkflowFailedError);
  return (error as WorkflowFailedError).cause as ApplicationFailure;
}

async function acceptedUpdateIds(handle: WorkflowHandle): Promise<string[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? [])
    .map((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId)
    .filter((id): id is string => typeof id === 'string');
}

/** Every payload of the run's history whose encoding is binary/null, by event type. */
async function encodedNulls(handle: WorkflowHandle): Promise<string[]> {
  const found: string[] = [];
  const visit = (value: unknown, eventType: string): void => {
    if (!value || typeof value !== 'object') return;
    const encoding = (value as { metadata?: { encoding?: Uint8Array } }).metadata?.encoding;
    if (encoding && Buffer.from(encoding).toString() === 'binary/null') found.push(eventType);
    for (const child of Object.values(value)) visit(child, eventType);
  };
  for (const event of (await handle.fetchHistory()).events ?? []) {
    visit(event, String(event.eventType));
  }
  return found;
}

const eventsOf = (deliveryId: string) =>
  stack()
    .db('delivery_events')
    .where({ delivery_id: deliveryId })
    .orderBy('seq')
    .select('type', 'from_status', 'to_status', 'actor_id', 'reason', 'event_key');

describe('delivery workflow', () => {
  let superAdmin: Actor;
  let admin: Actor;

  before(async () => {
    superAdmin = await actor('super_admin');
    admin = await actor('admin');
  });

  it('when a run starts, then its first task writes the row and the creation event, and ops can find it by delivery id', async () => {
    const { handle, input } = await startDelivery();
    const rows = await stack().db('deliveries').where({ idempotency_key: input.idempotencyKey });
    expect(rows).to.have.length(1);
    expect(rows[0]).to.include({ id: input.deliveryId, status: 'CREATED' });
    expect(new Date(rows[0].created_at).toISOString()).to.equal(input.createdAt);
    expect((await eventsOf(input.deliveryId)).map((e) => e.event_key)).to.deep.equal([
      `${input.deliveryId}:created`,
    ]);
    const described = await handle.describe();
    expect(described.typedSearchAttributes.get(deliveryIdKey)).to.equal(input.deliveryId);
    expect(described.typedSearchAttributes.get(deliveryDateKey)?.toISOString()).to.equal(
      '2030-01-01T00:00:00.000Z',
    );
    expect(await described.staticSummary()).to.equal(
      'Espresso machine → 1 Main St · due 2030-01-01',
    );
    expect(await described.staticDetails()).to.contain(input.deliveryId);
    await handle.terminate('test finished');
  });

  it('when a delivery goes assign → reassign → in transit → completed, then each answer is the stored delivery and the run completes', async () => {
    const { handle, input } = await startDelivery();
    const otherAdmin = await actor('admin');
    const first = await handle.executeUpdate(assignUpdate, {
      updateId: 'assign-1',
      args: [{ ...changeArgs(superAdmin), adminId: admin.id }],
    });
    expect(first.delivery).to.include({ status: 'ASSIGNED', assigned_to: admin.id });
    await handle.executeUpdate(assignUpdate, {
      updateId: 'assign-2',
      args: [{ ...changeArgs(superAdmin), adminId: otherAdmin.id }],
    });
    await handle.executeUpdate(transitionUpdate, {
      updateId: 'go',
      args: [{ ...changeArgs(otherAdmin), status: 'IN_TRANSIT' }],
    });
    const done = await handle.executeUpdate(transitionUpdate, {
      updateId: 'done',
      args: [{ ...changeArgs(otherAdmin, 'signed by recipient'), status: 'COMPLETED' }],
    });
    expect(done.delivery).to.include({ status: 'COMPLETED', assigned_to: otherAdmin.id });
    // Read-your-writes: the row and the events exist when the update returns.
    const row = await stack().db('deliveries').where({ id: input.deliveryId }).first();
    expect(row).to.include({ status: 'COMPLETED', assigned_to: otherAdmin.id });
    expect(new Date(row.updated_at).toISOString()).to.equal(done.delivery.updated_at);
    const events = await eventsOf(input.deliveryId);
    expect(events.map((e) => [e.type, e.from_status, e.to_status])).to.deep.equal([
      ['created', null, 'CREATED'],
      ['assigned', 'CREATED', 'ASSIGNED'],
      ['assigned', 'ASSIGNED', 'ASSIGNED'],
      ['status_changed', 'ASSIGNED', 'IN_TRANSIT'],
      ['status_changed', 'IN_TRANSIT', 'COMPLETED'],
    ]);
    expect(events.map((e) => e.event_key)).to.deep.equal(
      ['created', 'assign-1', 'assign-2', 'go', 'done'].map((id) => `${input.deliveryId}:${id}`),
    );
    expect(events[4]).to.include({ actor_id: otherAdmin.id, reason: 'signed by recipient' });
    expect(await handle.result()).to.include({ status: 'COMPLETED' });
    expect(await encodedNulls(handle), 'payloads the Temporal UI would show as null').to.deep.equal(
      [],
    );

    const described = await handle.describe();
    expect(described.typedSearchAttributes.get(deliveryStatusKey)).to.equal('COMPLETED');
    expect(described.typedSearchAttributes.get(partnerIdKey)).to.equal(input.partnerId);
    expect(described.typedSearchAttributes.get(assignedAdminIdKey)).to.equal(otherAdmin.id);
    const query = `DeliveryStatus='COMPLETED' AND DeliveryId='${input.deliveryId}'`;
    const listed = await waitFor(async () => {
      const ids: string[] = [];
      for await (const wf of stack().client.workflow.list({ query })) ids.push(wf.workflowId);
      return ids.length > 0 ? ids : undefined;
    }, 'the visibility query to see the workflow');
    expect(listed).to.deep.equal([input.idempotencyKey]);
  });

  it('when an update is repeated with its update ID, then Temporal answers the original and nothing is recorded twice', async () => {
    const { handle, input } = await startDelivery();
    const original = changeArgs(superAdmin);
    const first = await handle.executeUpdate(assignUpdate, {
      updateId: 'same-request',
      args: [{ ...original, adminId: admin.id }],
    });
    const repeat = await handle.executeUpdate(assignUpdate, {
      updateId: 'same-request',
      args: [{ ...changeArgs(superAdmin), adminId: admin.id }],
    });
    expect(repeat).to.deep.equal(first);
    expect(repeat.requestId).to.equal(original.requestId);
    expect((await eventsOf(input.deliveryId)).map((e) => e.type)).to.deep.equal([
      'created',
      'assigned',
    ]);
    await handle.terminate('test finished');
  });

  it('when updates are refused, then nothing about them reaches the history', async () => {
    const { handle, input } = await startDelivery();
    const otherPartner = await actor('partner');
    const refused: [string, () => Promise<unknown>, string][] = [
      [
        'admin-assigns',
        () =>
          handle.executeUpdate(assignUpdate, {
            updateId: 'admin-assigns',
            args: [{ ...changeArgs(admin), adminId: admin.id }],
          }),
        'forbidden',
      ],
      [
        'too-early',
        () =>
          handle.executeUpdate(transitionUpdate, {
            updateId: 'too-early',
            args: [{ ...changeArgs(superAdmin), status: 'IN_TRANSIT' }],
          }),
        'invalid-transition',
      ],
      [
        'stranger-cancels',
        () =>
          handle.executeUpdate(cancelUpdate, {
            updateId: 'stranger-cancels',
            args: [changeArgs(otherPartner)],
          }),
        'forbidden',
      ],
    ];
    for (const [, send, type] of refused) expect((await rejection(send())).type).to.equal(type);
    const tooEarly = await rejection(
      handle.executeUpdate(transitionUpdate, {
        args: [{ ...changeArgs(superAdmin), status: 'COMPLETED' }],
      }),
    );
    expect(tooEarly.details).to.deep.equal([
      { allowed: ['ASSIGNED', 'CANCELLED'], current_status: 'CREATED' },
    ]);
    const accepted = await acceptedUpdateIds(handle);
    for (const [id] of refused) expect(accepted).to.not.include(id);
    expect(await handle.query(getDeliveryQuery)).to.include({
      status: 'CREATED',
      assigned_to: null,
    });
    expect(await eventsOf(input.deliveryId)).to.have.length(1);
    await handle.terminate('test finished');
  });

  it('when the assigned admin is assigned again, then nothing changes and no event is added', async () => {
    const { handle, input } = await startDelivery();
    for (let i = 0; i < 2; i++) {
      await handle.executeUpdate(assignUpdate, {
        args: [{ ...changeArgs(superAdmin), adminId: admin.id }],
      });
    }
    expect((await eventsOf(input.deliveryId)).map((e) => e.type)).to.deep.equal([
      'created',
      'assigned',
    ]);
    await handle.terminate('test finished');
  });

  it('when the owning partner cancels, then the delivery is CANCELLED and the run closes as failed with DeliveryCancelled', async () => {
    const { handle, input } = await startDelivery();
    const partner: Actor = { id: input.partnerId, role: 'partner' };
    await handle.executeUpdate(assignUpdate, {
      args: [{ ...changeArgs(superAdmin), adminId: admin.id }],
    });
    const cancelled = await handle.executeUpdate(cancelUpdate, {
      args: [changeArgs(partner, 'changed my mind')],
    });
    expect(cancelled.delivery.status).to.equal('CANCELLED');
    const failure = await closedWith(handle);
    expect(failure).to.include({ type: 'DeliveryCancelled', nonRetryable: true });
    expect(failure.message).to.contain('changed my mind');
    const events = await eventsOf(input.deliveryId);
    expect(events.at(-1)).to.include({
      type: 'cancelled',
      to_status: 'CANCELLED',
      actor_id: partner.id,
      reason: 'changed my mind',
    });
    expect((await handle.describe()).typedSearchAttributes.get(deliveryStatusKey)).to.equal(
      'CANCELLED',
    );
  });

  it('when the assignee reports FAILED, then the run closes as failed with DeliveryFailed and the reason', async () => {
    const { handle } = await startDelivery();
    await handle.executeUpdate(assignUpdate, {
      args: [{ ...changeArgs(superAdmin), adminId: admin.id }],
    });
    await handle.executeUpdate(transitionUpdate, {
      args: [{ ...changeArgs(admin), status: 'IN_TRANSIT' }],
    });
    await handle.executeUpdate(transitionUpdate, {
      args: [{ ...changeArgs(admin, 'nobody home'), status: 'FAILED' }],
    });
    const failure = await closedWith(handle);
    expect(failure).to.include({ type: 'DeliveryFailed' });
    expect(failure.message).to.contain('nobody home');
  });

  it('when several callers race to different terminal states, then exactly one wins and the rest are invalid transitions', async () => {
    const { handle, input } = await startDelivery();
    await handle.executeUpdate(assignUpdate, {
      args: [{ ...changeArgs(superAdmin), adminId: admin.id }],
    });
    await handle.executeUpdate(transitionUpdate, {
      args: [{ ...changeArgs(admin), status: 'IN_TRANSIT' }],
    });
    const targets = ['COMPLETED', 'FAILED', 'COMPLETED', 'FAILED', 'COMPLETED', 'FAILED'] as const;
    const results = await Promise.allSettled(
      targets.map((status, i) =>
        handle.executeUpdate(transitionUpdate, {
          args: [{ ...changeArgs(i % 2 ? admin : superAdmin), status }],
        }),
      ),
    );
    const winners = results.filter((r) => r.status === 'fulfilled');
    expect(winners).to.have.length(1);
    for (const r of results.filter((r) => r.status === 'rejected')) {
      const cause = ((r as PromiseRejectedResult).reason as WorkflowUpdateFailedError).cause;
      expect((cause as ApplicationFailure).type).to.equal('invalid-transition');
    }
    const final = (winners[0] as PromiseFulfilledResult<{ delivery: { status: string } }>).value;
    await handle.result().catch(() => undefined);
    const terminalEvents = (await eventsOf(input.deliveryId)).filter(
      (e) => e.from_status === 'IN_TRANSIT',
    );
    expect(terminalEvents).to.have.length(1);
    expect(terminalEvents[0].to_status).to.equal(final.delivery.status);
  });

  it('when a workflow id is unknown, then a handle for it is not found', async () => {
    const handle = stack().client.workflow.getHandle(`missing-${randomUUID()}`);
    const error = await handle.describe().catch((e: unknown) => e);
    expect((error as Error).name).to.equal('WorkflowNotFoundError');
  });
});
