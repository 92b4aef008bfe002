import { condition, defineUpdate, setHandler } from '@temporalio/workflow';

/** The cheapest update the engine can run: no activity, no state, answered at once. */
export const noopUpdate = defineUpdate<void>('noop');

/** The baseline a delivery change is compared with: a workflow that only answers `noopUpdate`. */
export async function noopWorkflow(): Promise<void> {
  setHandler(noopUpdate, () => undefined);
  await condition(() => false);
}
