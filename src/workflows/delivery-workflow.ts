import {
  allHandlersFinished,
  CancellationScope,
  condition,
  log,
  setDefaultSignalHandler,
  setHandler,
} from '@temporalio/workflow';
import type { DeliveryCommand } from '../domain/delivery-rules';
import type { Delivery } from '../schemas/deliveries';
import { watchDeadlines } from './delivery-deadlines';
import { DeliveryLifecycle } from './delivery-lifecycle';
import {
  assignUpdate,
  cancelUpdate,
  getDeliveryQuery,
  transitionUpdate,
  type AssignArgs,
  type DeliveryWorkflowInput,
  type TransitionArgs,
} from './delivery-messages';

const assign = (a: AssignArgs): DeliveryCommand => ({ kind: 'assign', adminId: a.adminId });
const transition = (a: TransitionArgs): DeliveryCommand => ({
  kind: 'transition',
  status: a.status,
});
const cancel = (): DeliveryCommand => ({ kind: 'cancel' });

/**
 * One long-running workflow per delivery; its workflow ID is the idempotency key. Changes arrive
 * as updates whose validators refuse bad ones before anything reaches history. An operator's
 * cancellation request is handled like the cancel endpoint; signals it does not define are logged
 * and ignored. Future changes must stay replay-compatible: guard new behaviour with
 * `patched('<id>')` and keep the recorded histories in `test/replay/histories/` passing.
 */
export async function deliveryWorkflow(input: DeliveryWorkflowInput): Promise<Delivery> {
  const delivery = new DeliveryLifecycle(input);
  setHandler(getDeliveryQuery, () => delivery.view(), {
    description: 'The delivery as the API shows it',
  });
  setHandler(assignUpdate, (a) => delivery.apply(a, assign(a)), {
    validator: (a) => delivery.validate(a.actor, assign(a)),
    description: 'Assign or reassign to an admin (POST /deliveries/{id}/assign)',
  });
  setHandler(transitionUpdate, (a) => delivery.apply(a, transition(a)), {
    validator: (a) => delivery.validate(a.actor, transition(a)),
    description: 'Move to IN_TRANSIT, COMPLETED or FAILED (POST /deliveries/{id}/status)',
  });
  setHandler(cancelUpdate, (a) => delivery.apply(a, cancel()), {
    validator: (a) => delivery.validate(a.actor, cancel()),
    description: 'Cancel before transit (POST /deliveries/{id}/cancel)',
  });
  setDefaultSignalHandler((signal) => {
    log.warn('The delivery workflow defines no signals; this one is ignored', { signal });
  });

  let cancelRequested = false;
  CancellationScope.current().cancelRequested.catch(() => {
    cancelRequested = true;
  });
  await CancellationScope.nonCancellable(async () => {
    await delivery.begun;
    watchDeadlines(delivery, input.deadlines, input.createdAt);
    let cancelHandled = false;
    const cancelPending = () => cancelRequested && !cancelHandled;
    while (!delivery.terminal) {
      await condition(() => delivery.terminal || cancelPending());
      if (cancelPending()) {
        cancelHandled = true;
        await delivery.cancelRequested();
      }
    }
    await condition(allHandlersFinished);
    await delivery.settled();
  });
  return delivery.finish();
}
