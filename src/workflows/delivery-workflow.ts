import { allHandlersFinished, condition, setHandler } from '@temporalio/workflow';
import type { DeliveryCommand } from '../domain/delivery-rules';
import { DeliveryLifecycle } from './delivery-lifecycle';
import {
  assignUpdate,
  cancelUpdate,
  createUpdate,
  getDeliveryQuery,
  transitionUpdate,
  type AssignArgs,
  type CancelArgs,
  type DeliveryState,
  type DeliveryWorkflowInput,
  type TransitionArgs,
} from './delivery-messages';

const assign = (a: AssignArgs): DeliveryCommand => ({ kind: 'assign', adminId: a.adminId });
const transition = (a: TransitionArgs): DeliveryCommand => ({
  kind: 'transition',
  status: a.status,
});
const cancel = (_: CancelArgs): DeliveryCommand => ({ kind: 'cancel' });

/**
 * One long-running workflow per delivery; its workflow ID is the idempotency key. Changes arrive
 * as updates whose validators refuse bad ones before anything reaches history. Future changes to
 * this code must stay replay-compatible: guard new behaviour with `patched('<id>')` and keep the
 * recorded histories in `test/replay/histories/` passing.
 */
export async function deliveryWorkflow(input: DeliveryWorkflowInput): Promise<DeliveryState> {
  const delivery = new DeliveryLifecycle(input);
  setHandler(getDeliveryQuery, () => delivery.snapshot());
  setHandler(createUpdate, (args) => delivery.create(args), {
    validator: (args) => delivery.validateCreate(args),
  });
  setHandler(assignUpdate, (a) => delivery.apply(a.actor, assign(a), null), {
    validator: (a) => delivery.validate(a.actor, assign(a)),
  });
  setHandler(transitionUpdate, (a) => delivery.apply(a.actor, transition(a), a.reason ?? null), {
    validator: (a) => delivery.validate(a.actor, transition(a)),
  });
  setHandler(cancelUpdate, (a) => delivery.apply(a.actor, cancel(a), a.reason ?? null), {
    validator: (a) => delivery.validate(a.actor, cancel(a)),
  });
  await delivery.creation;
  await condition(() => delivery.terminal && allHandlersFinished());
  await delivery.settled();
  return delivery.snapshot();
}
