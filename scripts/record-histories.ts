/**
 * Records full delivery-workflow histories for the replay test (`test/replay/replay.test.ts`).
 * Run `npx tsx scripts/record-histories.ts` after a deliberate, released-compatible change, or
 * before the first release; never re-record to silence a replay failure of released code —
 * guard the change with `patched()` instead.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Actor } from '../src/domain/delivery-rules';
import {
  assignUpdate,
  cancelUpdate,
  createUpdate,
  transitionUpdate,
} from '../src/workflows/delivery-messages';
import { startDelivery, type StartedDelivery } from '../test/support/deliveries';
import { historyToJson } from '../test/replay/history-json';
import { startStack, stopStack } from '../test/support/stack';
import { createUser } from '../test/support/users';

const OUT = path.resolve(__dirname, '../test/replay/histories');

const actor = async (role: Actor['role']): Promise<Actor> => ({
  id: (await createUser({ role })).user.id,
  role,
});

async function completed({ handle, input }: StartedDelivery, boss: Actor, admin: Actor) {
  const other = await actor('admin');
  await handle.executeUpdate(createUpdate, { args: [{ payloadHash: input.payloadHash }] });
  await handle.executeUpdate(assignUpdate, { args: [{ actor: boss, adminId: admin.id }] });
  await handle.executeUpdate(assignUpdate, { args: [{ actor: boss, adminId: other.id }] });
  await handle
    .executeUpdate(transitionUpdate, { args: [{ actor: admin, status: 'IN_TRANSIT' }] })
    .catch(() => undefined); // refused: no longer the assignee
  await handle.executeUpdate(transitionUpdate, { args: [{ actor: other, status: 'IN_TRANSIT' }] });
  await handle.executeUpdate(transitionUpdate, {
    args: [{ actor: other, status: 'COMPLETED', reason: 'signed' }],
  });
}

async function cancelled({ handle, input }: StartedDelivery) {
  await handle.executeUpdate(cancelUpdate, {
    args: [{ actor: { id: input.partnerId, role: 'partner' }, reason: 'not needed' }],
  });
}

async function raced({ handle }: StartedDelivery, boss: Actor, admin: Actor) {
  await handle.executeUpdate(assignUpdate, { args: [{ actor: boss, adminId: admin.id }] });
  await handle.executeUpdate(transitionUpdate, { args: [{ actor: admin, status: 'IN_TRANSIT' }] });
  await Promise.allSettled(
    (['COMPLETED', 'FAILED', 'FAILED', 'COMPLETED'] as const).map((status) =>
      handle.executeUpdate(transitionUpdate, { args: [{ actor: admin, status }] }),
    ),
  );
}

async function main(): Promise<void> {
  await startStack();
  try {
    const boss = await actor('super_admin');
    const admin = await actor('admin');
    const scenarios = { completed, cancelled, raced };
    for (const [name, run] of Object.entries(scenarios)) {
      const started = await startDelivery();
      await run(started, boss, admin);
      await started.handle.result();
      const history = await started.handle.fetchHistory();
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
