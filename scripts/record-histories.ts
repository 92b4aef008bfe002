/**
 * Records full delivery-workflow histories for the replay test (`test/replay/replay.test.ts`).
 * Run `npx tsx scripts/record-histories.ts [scenario …]` (all when none is named) to add the
 * history of a new behaviour; never re-record an existing one to silence a replay failure of
 * released code — guard the change with `patched()` instead.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Actor } from '../src/domain/delivery-rules';
import { assignUpdate, cancelUpdate, transitionUpdate } from '../src/workflows/delivery-messages';
import { changeArgs, startDelivery, type StartedDelivery } from '../test/support/deliveries';
import { historyToJson } from '../test/replay/history-json';
import { stack, startStack, stopStack } from '../test/support/stack';
import { createUser } from '../test/support/users';
import { waitFor } from '../test/support/wait-for';

const OUT = path.resolve(__dirname, '../test/replay/histories');

const actor = async (role: Actor['role']): Promise<Actor> => ({
  id: (await createUser({ role })).user.id,
  role,
});

async function completed({ handle }: StartedDelivery, boss: Actor, admin: Actor) {
  const other = await actor('admin');
  await handle.executeUpdate(assignUpdate, { args: [{ ...changeArgs(boss), adminId: admin.id }] });
  await handle.executeUpdate(assignUpdate, { args: [{ ...changeArgs(boss), adminId: other.id }] });
  await handle
    .executeUpdate(transitionUpdate, { args: [{ ...changeArgs(admin), status: 'IN_TRANSIT' }] })
    .catch(() => undefined); // refused: no longer the assignee
  await handle.executeUpdate(transitionUpdate, {
    args: [{ ...changeArgs(other), status: 'IN_TRANSIT' }],
  });
  await handle.executeUpdate(transitionUpdate, {
    args: [{ ...changeArgs(other, 'signed'), status: 'COMPLETED' }],
  });
}

async function cancelled({ handle, input }: StartedDelivery) {
  await handle.executeUpdate(cancelUpdate, {
    args: [changeArgs({ id: input.partnerId, role: 'partner' }, 'not needed')],
  });
}

async function raced({ handle }: StartedDelivery, boss: Actor, admin: Actor) {
  await handle.executeUpdate(assignUpdate, { args: [{ ...changeArgs(boss), adminId: admin.id }] });
  await handle.executeUpdate(transitionUpdate, {
    args: [{ ...changeArgs(admin), status: 'IN_TRANSIT' }],
  });
  await Promise.allSettled(
    (['COMPLETED', 'FAILED', 'FAILED', 'COMPLETED'] as const).map((status) =>
      handle.executeUpdate(transitionUpdate, { args: [{ ...changeArgs(admin), status }] }),
    ),
  );
}

/** An operator presses "Request Cancellation" in transit (refused), then before transit. */
async function operatorCancelled({ handle }: StartedDelivery, boss: Actor, admin: Actor) {
  await handle.executeUpdate(assignUpdate, { args: [{ ...changeArgs(boss), adminId: admin.id }] });
  await handle.cancel();
}

async function cancelRefused({ handle }: StartedDelivery, boss: Actor, admin: Actor) {
  await handle.executeUpdate(assignUpdate, { args: [{ ...changeArgs(boss), adminId: admin.id }] });
  await handle.executeUpdate(transitionUpdate, {
    args: [{ ...changeArgs(admin), status: 'IN_TRANSIT' }],
  });
  await handle.cancel();
  await handle.executeUpdate(transitionUpdate, {
    args: [{ ...changeArgs(admin, 'left at the door'), status: 'FAILED' }],
  });
}

const soon = (ms: number) => new Date(Date.now() + ms).toISOString();

/** Missed the SLA (recorded), assigned, missed its date (recorded), then completed. */
async function deadlines({ handle, input }: StartedDelivery, boss: Actor, admin: Actor) {
  const events = () => stack().db('delivery_events').where({ delivery_id: input.deliveryId });
  await waitFor(
    async () => ((await events()).length === 2 ? true : undefined),
    'the assignment deadline',
  );
  await handle.executeUpdate(assignUpdate, { args: [{ ...changeArgs(boss), adminId: admin.id }] });
  await waitFor(
    async () => ((await events()).length === 4 ? true : undefined),
    'the date deadline',
  );
  await handle.executeUpdate(transitionUpdate, {
    args: [{ ...changeArgs(admin), status: 'IN_TRANSIT' }],
  });
  await handle.executeUpdate(transitionUpdate, {
    args: [{ ...changeArgs(admin), status: 'COMPLETED' }],
  });
}

/** How a scenario's delivery starts, when not as `startDelivery` starts one by default. */
const START_OPTIONS: Record<string, () => Parameters<typeof startDelivery>[0]> = {
  deadlines: () => ({ deadlines: { assignBy: soon(1000), dueBy: soon(3000), timeZone: 'UTC' } }),
};

async function main(): Promise<void> {
  await startStack();
  try {
    const boss = await actor('super_admin');
    const admin = await actor('admin');
    const scenarios = {
      completed,
      cancelled,
      raced,
      'operator-cancelled': operatorCancelled,
      'cancel-refused': cancelRefused,
      deadlines,
    };
    const wanted = process.argv.slice(2);
    for (const [name, run] of Object.entries(scenarios)) {
      if (wanted.length > 0 && !wanted.includes(name)) continue;
      const started = await startDelivery(START_OPTIONS[name]?.());
      const handle = (await run(started, boss, admin)) ?? started.handle;
      // Only COMPLETED closes as completed; the other outcomes close as failed or cancelled.
      await handle.result().catch(() => undefined);
      const history = await handle.fetchHistory();
      await writeFile(path.join(OUT, `${name}.json`), historyToJson(history));
      console.log(`recorded ${name} (${history.events?.length ?? 0} events)`);
    }
  } finally {
    await stopStack();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
