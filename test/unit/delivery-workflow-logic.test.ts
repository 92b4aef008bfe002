import { WorkflowFailedError, WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { expect } from 'chai';
import { deliveryWorkflow } from '../../src/workflows';
import {
  assignUpdate,
  cancelUpdate,
  getDeliveryQuery,
  transitionUpdate,
  type DeliveryWorkflowInput,
} from '../../src/workflows/delivery-messages';
import { changeArgs, deliveryInput, testActor } from '../support/delivery-input';
import { recordingStore, withMockedWorker } from '../support/mocked-delivery-worker';
import { timeSkippingEnvForSuite } from '../support/time-skipping';
import { waitFor } from '../support/wait-for';

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.fail('expected a failure'),
    (error: unknown) => error,
  );
}

async function updateRejection(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await failureOf(promise);
  expect(error).to.be.instanceOf(WorkflowUpdateFailedError);
  const cause = (error as WorkflowUpdateFailedError).cause;
  expect(cause).to.be.instanceOf(ApplicationFailure);
  return cause as ApplicationFailure;
}

describe('delivery workflow logic (time-skipping server, stand-in activities)', function () {
  const env = timeSkippingEnvForSuite();
  const partner = testActor('partner');
  const boss = testActor('super_admin');
  const admin = testActor('admin');

  function start(taskQueue: string, input: DeliveryWorkflowInput = deliveryInput(partner.id)) {
    return env().client.workflow.start(deliveryWorkflow, {
      taskQueue,
      workflowId: input.idempotencyKey,
      args: [input],
    });
  }

  async function takeInTransit(handle: Awaited<ReturnType<typeof start>>, reason?: string) {
    await handle.executeUpdate(assignUpdate, {
      args: [{ ...changeArgs(boss), adminId: admin.id }],
    });
    await handle.executeUpdate(transitionUpdate, {
      args: [{ ...changeArgs(admin, reason), status: 'IN_TRANSIT' }],
    });
  }

  it('when a delivery goes through its whole lifecycle, then each change is recorded once, in order, and the run returns the completed delivery', async () => {
    const store = recordingStore();
    await withMockedWorker(env(), store, async (taskQueue) => {
      const input = deliveryInput(partner.id);
      const handle = await start(taskQueue, input);
      const assigned = await handle.executeUpdate(assignUpdate, {
        args: [{ ...changeArgs(boss), adminId: admin.id }],
        updateId: 'assign-1',
      });
      expect(assigned.delivery).to.include({ status: 'ASSIGNED', assigned_to: admin.id });
      await handle.executeUpdate(transitionUpdate, {
        args: [{ ...changeArgs(admin), status: 'IN_TRANSIT' }],
        updateId: 'transit-1',
      });
      expect(await handle.query(getDeliveryQuery)).to.include({ status: 'IN_TRANSIT' });
      await handle.executeUpdate(transitionUpdate, {
        args: [{ ...changeArgs(admin, 'left at the door'), status: 'COMPLETED' }],
        updateId: 'complete-1',
      });

      const result = await handle.result();
      expect(result).to.include({
        id: input.deliveryId,
        workflow_id: input.idempotencyKey,
        status: 'COMPLETED',
        assigned_to: admin.id,
        partner_id: partner.id,
        created_at: input.createdAt,
      });
      const id = input.deliveryId;
      expect(
        store.records.map((r) => [r.eventKey, r.type, r.fromStatus, r.delivery.status, r.actorId]),
      ).to.deep.equal([
        [`${id}:created`, 'created', null, 'CREATED', partner.id],
        [`${id}:assign-1`, 'assigned', 'CREATED', 'ASSIGNED', boss.id],
        [`${id}:transit-1`, 'status_changed', 'ASSIGNED', 'IN_TRANSIT', admin.id],
        [`${id}:complete-1`, 'status_changed', 'IN_TRANSIT', 'COMPLETED', admin.id],
      ]);
      expect(store.records[3]!.reason).to.equal('left at the door');
      expect(store.records[0]!.keys).to.deep.equal({
        idempotencyKey: input.idempotencyKey,
        payloadHash: input.payloadHash,
      });
    });
  });

  it('when a change breaks the rules, then its validator refuses it with the rule code and nothing is recorded', async () => {
    const store = recordingStore();
    await withMockedWorker(env(), store, async (taskQueue) => {
      const handle = await start(taskQueue);
      const byPartner = await updateRejection(
        handle.executeUpdate(assignUpdate, {
          args: [{ ...changeArgs(partner), adminId: admin.id }],
        }),
      );
      expect(byPartner.type).to.equal('forbidden');
      const tooEarly = await updateRejection(
        handle.executeUpdate(transitionUpdate, {
          args: [{ ...changeArgs(boss), status: 'COMPLETED' }],
        }),
      );
      expect(tooEarly.type).to.equal('invalid-transition');
      expect(tooEarly.details?.[0]).to.deep.include({ current_status: 'CREATED' });

      expect(await handle.query(getDeliveryQuery)).to.include({ status: 'CREATED' });
      expect(store.records.map((r) => r.type)).to.deep.equal(['created']);
      await handle.terminate('test over');
    });
  });

  it('when the assigned admin is assigned again, then the answer is the same delivery and no event is recorded', async () => {
    const store = recordingStore();
    await withMockedWorker(env(), store, async (taskQueue) => {
      const handle = await start(taskQueue);
      const assign = () =>
        handle.executeUpdate(assignUpdate, { args: [{ ...changeArgs(boss), adminId: admin.id }] });
      const first = await assign();
      const again = await assign();
      expect(again.delivery).to.deep.equal(first.delivery);
      expect(store.records.map((r) => r.type)).to.deep.equal(['created', 'assigned']);
      await handle.terminate('test over');
    });
  });

  it('when the partner cancels, then the run closes as failed with DeliveryCancelled and the reason', async () => {
    const store = recordingStore();
    await withMockedWorker(env(), store, async (taskQueue) => {
      const handle = await start(taskQueue);
      const answer = await handle.executeUpdate(cancelUpdate, {
        args: [changeArgs(partner, 'ordered twice')],
      });
      expect(answer.delivery.status).to.equal('CANCELLED');
      const error = await failureOf(handle.result());
      expect(error).to.be.instanceOf(WorkflowFailedError);
      const cause = (error as WorkflowFailedError).cause as ApplicationFailure;
      expect(cause.type).to.equal('DeliveryCancelled');
      expect(cause.message).to.include('ordered twice');
    });
  });

  it('when an earlier change had a reason and FAILED has none, then the run closes saying no reason was given, not the earlier one', async () => {
    const store = recordingStore();
    await withMockedWorker(env(), store, async (taskQueue) => {
      const handle = await start(taskQueue);
      await takeInTransit(handle, 'left the depot');
      await handle.executeUpdate(transitionUpdate, {
        args: [{ ...changeArgs(admin), status: 'FAILED' }],
      });
      const error = await failureOf(handle.result());
      const cause = (error as WorkflowFailedError).cause as ApplicationFailure;
      expect(cause.type).to.equal('DeliveryFailed');
      expect(cause.message).to.equal('The delivery failed: no reason given');
    });
  });

  it('when an operator requests cancellation before transit, then it is recorded like a cancel and the run ends cancelled', async () => {
    const store = recordingStore();
    await withMockedWorker(env(), store, async (taskQueue) => {
      const handle = await start(taskQueue);
      await handle.executeUpdate(assignUpdate, {
        args: [{ ...changeArgs(boss), adminId: admin.id }],
      });
      await handle.cancel();
      const error = await failureOf(handle.result());
      expect((error as WorkflowFailedError).cause).to.be.instanceOf(CancelledFailure);
      const last = store.records.at(-1)!;
      expect(last).to.include({ type: 'cancelled', actorId: null, fromStatus: 'ASSIGNED' });
      expect(last.delivery.status).to.equal('CANCELLED');
    });
  });

  it('when an operator requests cancellation in transit, then the refusal is recorded and the delivery can still complete', async () => {
    const store = recordingStore();
    await withMockedWorker(env(), store, async (taskQueue) => {
      const handle = await start(taskQueue);
      await takeInTransit(handle);
      await handle.cancel();
      // The request and a completion sent at once may land in one workflow task, in either order.
      await waitFor(
        async () => (store.records.some((r) => r.type === 'cancel_refused') ? true : undefined),
        'the cancel request to be refused',
      );
      await handle.executeUpdate(transitionUpdate, {
        args: [{ ...changeArgs(admin), status: 'COMPLETED' }],
      });
      expect((await handle.result()).status).to.equal('COMPLETED');
      expect(store.records.map((r) => r.type)).to.deep.equal([
        'created',
        'assigned',
        'status_changed',
        'cancel_refused',
        'status_changed',
      ]);
    });
  });

  it('when a run resumes a delivery an operator closed, then it records a resumption from the stored state instead of a creation', async () => {
    const store = recordingStore();
    await withMockedWorker(env(), store, async (taskQueue) => {
      const input: DeliveryWorkflowInput = {
        ...deliveryInput(partner.id),
        resumeFrom: {
          status: 'ASSIGNED',
          assignedTo: admin.id,
          updatedAt: new Date().toISOString(),
        },
      };
      const handle = await start(taskQueue, input);
      const view = await handle.query(getDeliveryQuery);
      expect(view).to.include({ status: 'ASSIGNED', assigned_to: admin.id });
      await handle.executeUpdate(transitionUpdate, {
        args: [{ ...changeArgs(admin), status: 'IN_TRANSIT' }],
      });
      expect(store.records.map((r) => [r.type, r.fromStatus, r.actorId])).to.deep.equal([
        ['resumed', 'ASSIGNED', null],
        ['status_changed', 'ASSIGNED', admin.id],
      ]);
      await handle.terminate('test over');
    });
  });
});
