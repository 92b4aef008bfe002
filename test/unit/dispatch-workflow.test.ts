import { WorkflowUpdateFailedError } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { expect } from 'chai';
import type {
  DispatchActivities,
  OfferClosingRecord,
  OfferRequest,
  QueueReturnRecord,
} from '../../src/activities/dispatch';
import type { DispatchSettings } from '../../src/domain/dispatch';
import { deliveryWorkflow } from '../../src/workflows';
import {
  acceptOfferUpdate,
  assignUpdate,
  cancelUpdate,
  declineOfferUpdate,
  getDeliveryQuery,
  type DeliveryWorkflowInput,
} from '../../src/workflows/delivery-messages';
import { changeArgs, deliveryInput, testActor } from '../support/delivery-input';
import { recordingStore, withMockedWorker } from '../support/mocked-delivery-worker';
import { timeSkippingEnvForSuite } from '../support/time-skipping';

const AUTO: DispatchSettings = { mode: 'auto', offerTimeoutSeconds: 120, maxOffers: 3 };

/**
 * Stands in for the dispatch store: offers go to `candidates` in order, never one already offered
 * this delivery (the SQL's ranking and capacity are tested against PostgreSQL); every record is
 * kept, in order, as `log` lines such as `offered <admin>` or `offer_expired <admin>`.
 */
function dispatchStore(candidates: string[]) {
  const log: string[] = [];
  const offered: string[] = [];
  const activities: DispatchActivities = {
    offerDelivery: async (request: OfferRequest) => {
      const adminId = candidates.find((c) => !offered.includes(c)) ?? null;
      if (adminId === null) return { adminId, recorded: false, outbound: [] };
      offered.push(adminId);
      log.push(`offered ${adminId} #${request.number}`);
      return { adminId, recorded: true, outbound: [] };
    },
    closeOffer: async (closing: OfferClosingRecord) => {
      log.push(`offer_${closing.outcome} ${closing.adminId}`);
      return { recorded: true, outbound: [] };
    },
    returnToQueue: async (request: QueueReturnRecord) => {
      log.push(`returned_to_queue: ${request.reason}`);
      return { recorded: true, outbound: [] };
    },
  };
  return { log, activities };
}

async function refusal(promise: Promise<unknown>): Promise<ApplicationFailure> {
  const error = await promise.then(
    () => expect.fail('expected a refusal'),
    (e: unknown) => e,
  );
  expect(error).to.be.instanceOf(WorkflowUpdateFailedError);
  return (error as WorkflowUpdateFailedError).cause as ApplicationFailure;
}

describe('auto-dispatch in the delivery workflow (time-skipping server, stand-in activities)', function () {
  const env = timeSkippingEnvForSuite();
  const partner = testActor('partner');
  const boss = testActor('super_admin');
  const ada = testActor('admin');
  const bob = testActor('admin');
  const cyd = testActor('admin');
  const dan = testActor('admin');

  function start(taskQueue: string, dispatch: DispatchSettings | null = AUTO) {
    const input: DeliveryWorkflowInput = {
      ...deliveryInput(partner.id),
      ...(dispatch ? { dispatch } : {}),
    };
    return env().client.workflow.start(deliveryWorkflow, {
      taskQueue,
      workflowId: input.idempotencyKey,
      args: [input],
    });
  }

  /** Runs `body` with a worker whose dispatch store offers to `candidates`. */
  async function withDispatch(
    candidates: string[],
    body: (taskQueue: string, log: string[], records: { type: string }[]) => Promise<void>,
  ) {
    const store = recordingStore();
    const dispatch = dispatchStore(candidates);
    await withMockedWorker(env(), { ...store, ...dispatch.activities }, (taskQueue) =>
      body(taskQueue, dispatch.log, store.records),
    );
  }

  /** Waits (on the workflow's clock, skipped) until the log has `count` lines. */
  async function logged(log: string[], count: number) {
    for (let i = 0; i < 50 && log.length < count; i += 1) await env().sleep('1s');
    expect(log.length, log.join('\n')).to.be.at.least(count);
  }

  it('when nobody answers, then each offer expires after its timeout and the next candidate is offered, in order, until the offers run out', async () => {
    await withDispatch([ada.id, bob.id, cyd.id, dan.id], async (taskQueue, log) => {
      const handle = await start(taskQueue);
      await logged(log, 1);
      expect(log).to.deep.equal([`offered ${ada.id} #1`]);
      await env().sleep('119s');
      expect(log).to.have.length(1);
      await env().sleep('2s');
      await logged(log, 3);
      expect(log.slice(0, 3)).to.deep.equal([
        `offered ${ada.id} #1`,
        `offer_expired ${ada.id}`,
        `offered ${bob.id} #2`,
      ]);
      await env().sleep('250s');
      await logged(log, 6);
      expect(log.slice(3)).to.deep.equal([
        `offer_expired ${bob.id}`,
        `offered ${cyd.id} #3`,
        `offer_expired ${cyd.id}`,
        'returned_to_queue: None of the 3 admins offered this delivery accepted it; a super admin must assign it.',
      ]);
      // dan was never offered it (max_offers 3); the delivery waits, CREATED, for a human.
      expect(await handle.query(getDeliveryQuery)).to.include({ status: 'CREATED' });
      const description = await handle.describe();
      expect(description.status.name).to.equal('RUNNING');
      await handle.terminate('test finished');
    });
  });

  it('when the offered admin declines, then the next candidate is offered at once and the decliner can no longer accept', async () => {
    await withDispatch([ada.id, bob.id], async (taskQueue, log) => {
      const handle = await start(taskQueue);
      await logged(log, 1);
      await handle.executeUpdate(declineOfferUpdate, { args: [changeArgs(ada, 'Van is full')] });
      await logged(log, 3);
      expect(log).to.deep.equal([
        `offered ${ada.id} #1`,
        `offer_declined ${ada.id}`,
        `offered ${bob.id} #2`,
      ]);
      const late = await refusal(
        handle.executeUpdate(acceptOfferUpdate, { args: [changeArgs(ada)] }),
      );
      expect(late.type).to.equal('offer-not-pending');
      expect(late.message).to.match(/declined/);
      await handle.terminate('test finished');
    });
  });

  it('when the offered admin accepts, then the delivery is assigned to them like an assignment and no further offer is made', async () => {
    await withDispatch([ada.id, bob.id], async (taskQueue, log, records) => {
      const handle = await start(taskQueue);
      await logged(log, 1);
      // Someone else holds no offer: refused before anything is recorded.
      const stranger = await refusal(
        handle.executeUpdate(acceptOfferUpdate, { args: [changeArgs(bob)] }),
      );
      expect(stranger.type).to.equal('offer-not-pending');
      const answer = await handle.executeUpdate(acceptOfferUpdate, { args: [changeArgs(ada)] });
      expect(answer.delivery).to.include({ status: 'ASSIGNED', assigned_to: ada.id });
      await env().sleep('1000s');
      expect(log).to.deep.equal([`offered ${ada.id} #1`, `offer_accepted ${ada.id}`]);
      expect(records.map((r) => r.type)).to.deep.equal(['created', 'assigned']);
      await handle.terminate('test finished');
    });
  });

  it('when the offer has expired, then an accept is refused saying so', async () => {
    await withDispatch([ada.id], async (taskQueue, log) => {
      const handle = await start(taskQueue);
      await logged(log, 1);
      await env().sleep('121s');
      await logged(log, 3);
      const late = await refusal(
        handle.executeUpdate(acceptOfferUpdate, { args: [changeArgs(ada)] }),
      );
      expect(late.type).to.equal('offer-not-pending');
      expect(late.message).to.match(/expired/);
      expect(log.at(-1)).to.match(
        /^returned_to_queue: Auto-dispatch found no other available admin/,
      );
      await handle.terminate('test finished');
    });
  });

  it('when no admin fits, then the delivery goes straight back to the queue for a human', async () => {
    await withDispatch([], async (taskQueue, log) => {
      const handle = await start(taskQueue);
      await logged(log, 1);
      expect(log).to.deep.equal([
        'returned_to_queue: Auto-dispatch found no available admin under capacity; a super admin must assign it.',
      ]);
      expect(await handle.query(getDeliveryQuery)).to.include({ status: 'CREATED' });
      await handle.terminate('test finished');
    });
  });

  it('when a super admin assigns by hand while an offer is pending, then the offer is withdrawn, a late accept is refused and no further offer is made', async () => {
    await withDispatch([ada.id, bob.id], async (taskQueue, log) => {
      const handle = await start(taskQueue);
      await logged(log, 1);
      const assigned = await handle.executeUpdate(assignUpdate, {
        args: [{ ...changeArgs(boss), adminId: cyd.id }],
      });
      expect(assigned.delivery).to.include({ status: 'ASSIGNED', assigned_to: cyd.id });
      const late = await refusal(
        handle.executeUpdate(acceptOfferUpdate, { args: [changeArgs(ada)] }),
      );
      expect(late.message).to.match(/withdrawn/);
      await env().sleep('1000s');
      expect(log).to.deep.equal([`offered ${ada.id} #1`, `offer_withdrawn ${ada.id}`]);
      await handle.terminate('test finished');
    });
  });

  it('when the partner cancels while an offer is pending, then the offer is withdrawn and the run ends cancelled', async () => {
    await withDispatch([ada.id, bob.id], async (taskQueue, log) => {
      const handle = await start(taskQueue);
      await logged(log, 1);
      await handle.executeUpdate(cancelUpdate, { args: [changeArgs(partner, 'Order cancelled')] });
      await handle.result().catch(() => undefined);
      expect(log).to.deep.equal([`offered ${ada.id} #1`, `offer_withdrawn ${ada.id}`]);
    });
  });

  it('when the delivery was created in manual mode, then nothing is offered and an accept is refused', async () => {
    await withDispatch([ada.id], async (taskQueue, log) => {
      const handle = await start(taskQueue, null);
      await env().sleep('1000s');
      expect(log).to.deep.equal([]);
      const refused = await refusal(
        handle.executeUpdate(acceptOfferUpdate, { args: [changeArgs(ada)] }),
      );
      expect(refused.message).to.equal('You hold no offer for this delivery.');
      const history = await handle.fetchHistory();
      const markers = (history.events ?? []).filter((e) => e.markerRecordedEventAttributes);
      // Only the record local activity's markers: no auto-dispatch patch marker.
      expect(
        markers.every((e) => e.markerRecordedEventAttributes?.markerName !== 'core_patch'),
      ).to.equal(true);
      await handle.terminate('test finished');
    });
  });
});
