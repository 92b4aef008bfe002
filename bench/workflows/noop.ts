import { condition, defineUpdate, setHandler } from '@temporalio/workflow';

/** The cheapest update the engine can run: no activity, no state, answered at once. */
export const noopUpdate = defineUpdate<void>('noop');

/** The baseline a delivery change is compared with: a workflow that only answers `noopUpdate`. */
export async function noopWorkflow(): Promise<void> {
  setHandler(noopUpdate, () => undefined);
  await condition(() => false);
}

/** Updates a bare lifecycle takes after its start: assign, IN_TRANSIT, COMPLETED. */
export const LIFECYCLE_UPDATES = 3;

/**
 * The bare engine's lifecycle, the capacity baseline of a delivery: started, then three no-op
 * updates, then it closes, as a delivery closes once COMPLETED.
 */
export async function noopLifecycleWorkflow(): Promise<void> {
  let updates = 0;
  setHandler(noopUpdate, () => {
    updates += 1;
  });
  await condition(() => updates >= LIFECYCLE_UPDATES);
}
