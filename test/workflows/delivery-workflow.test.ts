import { randomUUID } from 'node:crypto';
import { WorkflowUpdateFailedError, type WorkflowHandle } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { expect } from 'chai';
import type { Actor } from '../../src/domain/delivery-rules';
import {
  assignUpdate,
  cancelUpdate,
  createUpdate,
  getDeliveryQuery,
  transitionUpdate,
} from '../../src/workflows/delivery-messages';
import {
  assignedAdminIdKey,
  deliveryStatusKey,
  partnerIdKey,
} from '../../src/workflows/search-attributes';
import { startDelivery } from '../support/deliveries';
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

async function acceptedUpdateIds(handle: WorkflowHandle): Promise<string[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? [])
    .map((e) => e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.meta?.updateId)
    .filter((id): id is string => typeof id === 'string');
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

  it('when created twice with update-with-start, then one workflow, one row and only the first reports created', async () => {
    const first = await startDelivery();
    expect(first.created).to.deep.include({ created: true });
    const again = await first.handle.executeUpdate(createUpdate, {
      args: [{ payloadHash: first.input.payloadHash }],
    });
    expect(again.created).to.equal(false);
    expect(again.delivery.deliveryId).to.equal(first.input.deliveryId);
    const rows = await stack()
      .db('deliveries')
      .where({ idempotency_key: first.input.idempotencyKey });
    expect(rows).to.have.length(1);
    expect(rows[0]).to.include({ status: 'CREATED', partner_id: first.input.partnerId });
    expect(await eventsOf(first.input.deliveryId)).to.have.length(1);
    await first.handle.terminate('test finished');
  });

  it('when the create update carries another payload hash, then it is refused as a key mismatch', async () => {
    const { handle } = await startDelivery();
    const failure = await rejection(
      handle.executeUpdate(createUpdate, { args: [{ payloadHash: 'another' }] }),
    );
    expect(failure.type).to.equal('idempotency-key-mismatch');
    await handle.terminate('test finished');
  });

  it('when a delivery goes assign → reassign → in transit → completed, then each change is stored and the workflow completes', async () => {
    const { handle, input } = await startDelivery();
    const otherAdmin = await actor('admin');
    expect(
      await handle.executeUpdate(assignUpdate, {
        args: [{ actor: superAdmin, adminId: admin.id }],
      }),
    ).to.include({ status: 'ASSIGNED', assignedTo: admin.id });
    await handle.executeUpdate(assignUpdate, {
      args: [{ actor: superAdmin, adminId: otherAdmin.id }],
    });
    await handle.executeUpdate(transitionUpdate, {
      args: [{ actor: otherAdmin, status: 'IN_TRANSIT' }],
    });
    const done = await handle.executeUpdate(transitionUpdate, {
      args: [{ actor: otherAdmin, status: 'COMPLETED', reason: 'signed by recipient' }],
    });
    expect(done).to.include({ status: 'COMPLETED', assignedTo: otherAdmin.id });
    // Read-your-writes: the row and the events exist when the update returns.
    const row = await stack().db('deliveries').where({ id: input.deliveryId }).first();
    expect(row).to.include({ status: 'COMPLETED', assigned_to: otherAdmin.id });
    const events = await eventsOf(input.deliveryId);
    expect(events.map((e) => [e.type, e.from_status, e.to_status])).to.deep.equal([
      ['created', null, 'CREATED'],
      ['assigned', 'CREATED', 'ASSIGNED'],
      ['assigned', 'ASSIGNED', 'ASSIGNED'],
      ['status_changed', 'ASSIGNED', 'IN_TRANSIT'],
      ['status_changed', 'IN_TRANSIT', 'COMPLETED'],
    ]);
    expect(events.map((e) => e.event_key)).to.deep.equal(
      [1, 2, 3, 4, 5].map((n) => `${input.deliveryId}:${n}`),
    );
    expect(events[4]).to.include({ actor_id: otherAdmin.id, reason: 'signed by recipient' });
    expect(await handle.result()).to.include({ status: 'COMPLETED' });

    const { typedSearchAttributes } = await handle.describe();
    expect(typedSearchAttributes.get(deliveryStatusKey)).to.equal('COMPLETED');
    expect(typedSearchAttributes.get(partnerIdKey)).to.equal(input.partnerId);
    expect(typedSearchAttributes.get(assignedAdminIdKey)).to.equal(otherAdmin.id);
    const query = `DeliveryStatus='COMPLETED' AND PartnerId='${input.partnerId}'`;
    const listed = await waitFor(async () => {
      const ids: string[] = [];
      for await (const wf of stack().client.workflow.list({ query })) ids.push(wf.workflowId);
      return ids.length > 0 ? ids : undefined;
    }, 'the visibility query to see the workflow');
    expect(listed).to.deep.equal([input.idempotencyKey]);
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
            args: [{ actor: admin, adminId: admin.id }],
          }),
        'forbidden',
      ],
      [
        'too-early',
        () =>
          handle.executeUpdate(transitionUpdate, {
            updateId: 'too-early',
            args: [{ actor: superAdmin, status: 'IN_TRANSIT' }],
          }),
        'invalid-transition',
      ],
      [
        'stranger-cancels',
        () =>
          handle.executeUpdate(cancelUpdate, {
            updateId: 'stranger-cancels',
            args: [{ actor: otherPartner }],
          }),
        'forbidden',
      ],
    ];
    for (const [, send, type] of refused) expect((await rejection(send())).type).to.equal(type);
    const tooEarly = await rejection(
      handle.executeUpdate(transitionUpdate, {
        args: [{ actor: superAdmin, status: 'COMPLETED' }],
      }),
    );
    expect(tooEarly.details).to.deep.equal([
      { allowed: ['ASSIGNED', 'CANCELLED'], current_status: 'CREATED' },
    ]);
    const accepted = await acceptedUpdateIds(handle);
    for (const [id] of refused) expect(accepted).to.not.include(id);
    expect(await handle.query(getDeliveryQuery)).to.include({
      status: 'CREATED',
      assignedTo: null,
    });
    expect(await eventsOf(input.deliveryId)).to.have.length(1);
    await handle.terminate('test finished');
  });

  it('when the assigned admin is assigned again, then nothing changes and no event is added', async () => {
    const { handle, input } = await startDelivery();
    for (let i = 0; i < 2; i++) {
      await handle.executeUpdate(assignUpdate, {
        args: [{ actor: superAdmin, adminId: admin.id }],
      });
    }
    expect((await eventsOf(input.deliveryId)).map((e) => e.type)).to.deep.equal([
      'created',
      'assigned',
    ]);
    await handle.terminate('test finished');
  });

  it('when the owning partner cancels, then the delivery is CANCELLED and the workflow completes', async () => {
    const { handle, input } = await startDelivery();
    const partner: Actor = { id: input.partnerId, role: 'partner' };
    await handle.executeUpdate(assignUpdate, { args: [{ actor: superAdmin, adminId: admin.id }] });
    const cancelled = await handle.executeUpdate(cancelUpdate, {
      args: [{ actor: partner, reason: 'changed my mind' }],
    });
    expect(cancelled.status).to.equal('CANCELLED');
    expect(await handle.result()).to.include({ status: 'CANCELLED' });
    const events = await eventsOf(input.deliveryId);
    expect(events.at(-1)).to.include({
      type: 'cancelled',
      to_status: 'CANCELLED',
      actor_id: partner.id,
      reason: 'changed my mind',
    });
  });

  it('when several callers race to different terminal states, then exactly one wins and the rest are invalid transitions', async () => {
    const { handle, input } = await startDelivery();
    await handle.executeUpdate(assignUpdate, { args: [{ actor: superAdmin, adminId: admin.id }] });
    await handle.executeUpdate(transitionUpdate, {
      args: [{ actor: admin, status: 'IN_TRANSIT' }],
    });
    const targets = ['COMPLETED', 'FAILED', 'COMPLETED', 'FAILED', 'COMPLETED', 'FAILED'] as const;
    const results = await Promise.allSettled(
      targets.map((status, i) =>
        handle.executeUpdate(transitionUpdate, {
          args: [{ actor: i % 2 ? admin : superAdmin, status }],
        }),
      ),
    );
    const winners = results.filter((r) => r.status === 'fulfilled');
    expect(winners).to.have.length(1);
    for (const r of results.filter((r) => r.status === 'rejected')) {
      const cause = ((r as PromiseRejectedResult).reason as WorkflowUpdateFailedError).cause;
      expect((cause as ApplicationFailure).type).to.equal('invalid-transition');
    }
    const final = await handle.result();
    const terminalEvents = (await eventsOf(input.deliveryId)).filter(
      (e) => e.from_status === 'IN_TRANSIT',
    );
    expect(terminalEvents).to.have.length(1);
    expect(terminalEvents[0].to_status).to.equal(final.status);
  });

  it('when a workflow id is unknown, then a handle for it is not found', async () => {
    const handle = stack().client.workflow.getHandle(`missing-${randomUUID()}`);
    const error = await handle.describe().catch((e: unknown) => e);
    expect((error as Error).name).to.equal('WorkflowNotFoundError');
  });
});
