import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { createBatchActivities } from '../../src/activities/batches';
import { batchItems, insertBatch, recordBatchItem } from '../../src/db/repositories/batches';
import { batchIdFor } from '../../src/deliveries/idempotency';
import { deliveryBody } from '../support/deliveries';
import { stack } from '../support/stack';
import { createUser } from '../support/users';

/** A stored batch of `count` items for the partner, as POST /deliveries/batches stores one. */
async function storedBatch(partnerId: string, count: number) {
  const key = `batch-${randomUUID()}`;
  const id = batchIdFor(key);
  const items = Array.from({ length: count }, () => ({
    idempotency_key: `order-${randomUUID()}`,
    request: deliveryBody(),
  }));
  await insertBatch(
    stack().db,
    {
      id,
      partner_id: partnerId,
      workflow_id: key,
      payload_hash: 'test',
      actor_api_key_id: null,
      total: count,
    },
    items,
  );
  return { id, items };
}

const activities = () =>
  createBatchActivities(stack().activityDeps.deliveries, stack().activityDeps.logger);

describe('bulk create activities', () => {
  it('when a chunk is tried again after its items were recorded, then nothing is created twice and each first outcome stands', async () => {
    const partner = await createUser({ role: 'partner' });
    const batch = await storedBatch(partner.user.id, 3);
    const chunk = { batchId: batch.id, partnerId: partner.user.id, from: 0, to: 3 };

    expect(await activities().createBatchItems(chunk)).to.equal(3);
    // A retry (the first attempt's answer lost with its worker) finds nothing left to try.
    expect(await activities().createBatchItems(chunk)).to.equal(0);
    // An attempt that raced the first and saw its own create as a replay does not overwrite it.
    const first = (await batchItems(stack().db, batch.id))[0]!;
    await recordBatchItem(stack().db, batch.id, 0, {
      outcome: 'replayed',
      delivery_id: first.delivery_id,
      problem: null,
    });

    const items = await batchItems(stack().db, batch.id);
    expect(items.map((item) => item.outcome)).to.deep.equal(['created', 'created', 'created']);
    const rows = await stack().db('deliveries').where({ partner_id: partner.user.id });
    expect(rows).to.have.length(3);
  });

  it('when the partner was deactivated before its batch ran, then each item fails with the refusal and nothing is created', async () => {
    const partner = await createUser({ role: 'partner', is_active: false });
    const batch = await storedBatch(partner.user.id, 2);

    await activities().createBatchItems({
      batchId: batch.id,
      partnerId: partner.user.id,
      from: 0,
      to: 2,
    });

    const items = await batchItems(stack().db, batch.id);
    expect(items.map((item) => [item.outcome, item.problem?.code])).to.deep.equal([
      ['failed', 'forbidden'],
      ['failed', 'forbidden'],
    ]);
    expect(await stack().db('deliveries').where({ partner_id: partner.user.id })).to.deep.equal([]);
  });

  it('when a batch is finished twice, then its completion time and its batch.completed event id stay the same', async () => {
    const partner = await createUser({ role: 'partner' });
    const batch = await storedBatch(partner.user.id, 1);
    await activities().createBatchItems({
      batchId: batch.id,
      partnerId: partner.user.id,
      from: 0,
      to: 1,
    });

    const first = await activities().finishBatch(batch.id);
    const again = await activities().finishBatch(batch.id);

    expect(again).to.deep.equal(first);
    expect(first.summary).to.include({ total: 1, created: 1, replayed: 0, failed: 0 });
    expect(first.webhook.event.type).to.equal('batch.completed');
    expect(first.webhook.event.id).to.match(/^evt_[0-9a-f]{32}$/);
  });
});
