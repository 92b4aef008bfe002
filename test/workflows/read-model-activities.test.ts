import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { expect } from 'chai';
import { newTrackingToken } from '../../src/tracking/tracking-token';
import knex from 'knex';
import { insertDeliveryRow } from '../../src/db/repositories/deliveries';
import { createReadModelActivities } from '../../src/activities/read-model';
import type { DeliveryEventRecord } from '../../src/workflows/delivery-event';
import type { DeliveryWorkflowInput } from '../../src/workflows/delivery-messages';
import { deliveryView } from '../../src/workflows/delivery-view';
import { deliveryInput } from '../support/deliveries';
import { freePort } from '../support/free-port';
import { emailsIn } from '../support/notifications';
import { stack } from '../support/stack';
import { createUser } from '../support/users';

const AT = '2030-01-01T10:00:00.000Z';

/** The creation record the workflow writes first for a delivery. */
function creation(input: DeliveryWorkflowInput): DeliveryEventRecord {
  return {
    eventKey: `${input.deliveryId}:created`,
    type: 'created',
    fromStatus: null,
    previousAssignee: null,
    actorId: input.partnerId,
    reason: null,
    at: AT,
    delivery: deliveryView(input, {
      status: 'CREATED',
      assignedTo: null,
      updatedAt: AT,
      failureReason: null,
      proof: null,
    }),
    keys: { idempotencyKey: input.idempotencyKey, payloadHash: input.payloadHash },
  };
}

function assignment(input: DeliveryWorkflowInput, adminId: string): DeliveryEventRecord {
  const created = creation(input);
  return {
    ...created,
    eventKey: `${input.deliveryId}:assign-1`,
    type: 'assigned',
    fromStatus: 'CREATED',
    actorId: adminId,
    delivery: { ...created.delivery, status: 'ASSIGNED', assigned_to: adminId },
  };
}

const inputAt = (partnerId: string) => ({ ...deliveryInput(partnerId), createdAt: AT });

describe('the record activity', () => {
  it('when it is retried after it already wrote, then no row, event or notification is duplicated and the same emails come back', async () => {
    const { db } = stack();
    const activities = createReadModelActivities(db, stack().activityDeps.notifications);
    const partner = (await createUser({ role: 'partner' })).user;
    const admin = (await createUser({ role: 'admin' })).user;
    const input = inputAt(partner.id);
    const outcomes = [];
    for (let attempt = 0; attempt < 2; attempt++) {
      await activities.recordDeliveryEvent(creation(input));
      outcomes.push(await activities.recordDeliveryEvent(assignment(input, admin.id)));
    }
    const rows = await db('deliveries').where({ idempotency_key: input.idempotencyKey });
    expect(rows).to.have.length(1);
    expect(rows[0]).to.include({ status: 'ASSIGNED', assigned_to: admin.id });
    expect(new Date(rows[0].created_at).toISOString()).to.equal(AT);
    const events = await db('delivery_events').where({ delivery_id: input.deliveryId });
    expect(events.map((e: { type: string }) => e.type)).to.deep.equal(['created', 'assigned']);
    const notified = await db('notifications').where({ delivery_id: input.deliveryId });
    expect(notified.map((n: { user_id: string }) => n.user_id)).to.have.members([
      admin.id,
      partner.id,
    ]);
    expect(outcomes.map((o) => o.recorded)).to.deep.equal([true, false]);
    expect(emailsIn(outcomes[1]!.outbound)).to.deep.equal(emailsIn(outcomes[0]!.outbound));
    expect(emailsIn(outcomes[0]!.outbound).map((e) => e.to)).to.have.members([
      admin.email,
      partner.email,
    ]);
  });

  it('when the row holds another status than the workflow believed (a reset run), then a reconciled event explains the correction', async () => {
    const { db } = stack();
    const activities = createReadModelActivities(db, stack().activityDeps.notifications);
    const partner = (await createUser({ role: 'partner' })).user;
    const admin = (await createUser({ role: 'admin' })).user;
    const input = inputAt(partner.id);
    await activities.recordDeliveryEvent(creation(input));
    await db('deliveries').where({ id: input.deliveryId }).update({ status: 'IN_TRANSIT' });
    await activities.recordDeliveryEvent(assignment(input, admin.id));
    const events = await db('delivery_events')
      .where({ delivery_id: input.deliveryId })
      .orderBy('seq')
      .select('type', 'from_status', 'to_status');
    expect(events).to.deep.equal([
      { type: 'created', from_status: null, to_status: 'CREATED' },
      { type: 'reconciled', from_status: 'IN_TRANSIT', to_status: 'CREATED' },
      { type: 'assigned', from_status: 'CREATED', to_status: 'ASSIGNED' },
    ]);
    const row = await db('deliveries').where({ id: input.deliveryId }).first();
    expect(row).to.include({ status: 'ASSIGNED', assigned_to: admin.id });
  });

  it('when the API stores the row while the workflow inserts it, then the insert yields on whichever unique key PostgreSQL finds first', async () => {
    const { db } = stack();
    const partner = (await createUser({ role: 'partner' })).user;
    const input = inputAt(partner.id);
    const row = {
      delivery: creation(input).delivery,
      ...creation(input).keys,
      trackingToken: newTrackingToken(),
    };
    // When the API's insert lands between this statement's conflict check and its index entries,
    // the clash surfaces on the idempotency key's index, not the id's. A row holding the key under
    // another id is that situation without the timing.
    const apiRow = { ...row, delivery: { ...row.delivery, id: randomUUID() } };
    await insertDeliveryRow(db, apiRow);
    await insertDeliveryRow(db, row);
    const stored = await db('deliveries').where({ idempotency_key: input.idempotencyKey });
    expect(stored.map((r: { id: string }) => r.id)).to.deep.equal([apiRow.delivery.id]);
  });

  it('when PostgreSQL refuses the data for good, then the failure is non-retryable and nothing is written', async () => {
    const { db } = stack();
    const activities = createReadModelActivities(db, stack().activityDeps.notifications);
    // A partner id that names no user violates the foreign key: no retry can ever succeed.
    const input = inputAt(randomUUID());
    const failure = await activities.recordDeliveryEvent(creation(input)).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).to.be.instanceOf(ApplicationFailure);
    expect(failure).to.include({ type: 'read-model-rejected', nonRetryable: true });
    expect(await db('deliveries').where({ id: input.deliveryId })).to.have.length(0);
  });

  it('when the database is merely unreachable, then the error stays retryable', async () => {
    const down = knex({
      client: 'pg',
      connection: `postgres://postgres:postgres@127.0.0.1:${await freePort()}/none`,
    });
    try {
      const failure = await createReadModelActivities(down, stack().activityDeps.notifications)
        .recordDeliveryEvent(creation(inputAt(randomUUID())))
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      expect(failure).to.be.instanceOf(Error);
      expect(failure).to.not.be.instanceOf(ApplicationFailure);
    } finally {
      await down.destroy();
    }
  });
});
