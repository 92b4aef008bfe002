import { randomUUID } from 'node:crypto';
import { ApplicationFailure } from '@temporalio/common';
import { expect } from 'chai';
import knex from 'knex';
import { createReadModelActivities, type DeliveryChange } from '../../src/activities/read-model';
import type { DeliveryWorkflowInput } from '../../src/workflows/delivery-messages';
import { deliveryInput } from '../support/deliveries';
import { freePort } from '../support/free-port';
import { stack } from '../support/stack';
import { createUser } from '../support/users';

const AT = '2030-01-01T10:00:00.000Z';

/** The creation change the workflow records first for a delivery. */
function creation(input: DeliveryWorkflowInput): DeliveryChange {
  return {
    deliveryId: input.deliveryId,
    eventKey: `${input.deliveryId}:1`,
    type: 'created',
    fromStatus: null,
    toStatus: 'CREATED',
    assignedTo: null,
    actorId: input.partnerId,
    reason: null,
    at: AT,
  };
}

describe('read-model activities', () => {
  it('when an activity is retried after it already wrote, then no row or event is duplicated', async () => {
    const { db } = stack();
    const activities = createReadModelActivities(db);
    const partner = (await createUser({ role: 'partner' })).user;
    const admin = (await createUser({ role: 'admin' })).user;
    const input = deliveryInput(partner.id);
    const created = creation(input);
    const assigned: DeliveryChange = {
      ...created,
      eventKey: `${input.deliveryId}:2`,
      type: 'assigned',
      fromStatus: 'CREATED',
      toStatus: 'ASSIGNED',
      assignedTo: admin.id,
      actorId: admin.id,
    };
    for (let attempt = 0; attempt < 2; attempt++) {
      await activities.recordDeliveryCreated(input, created);
      await activities.recordDeliveryChange(assigned);
    }
    const rows = await db('deliveries').where({ idempotency_key: input.idempotencyKey });
    expect(rows).to.have.length(1);
    expect(rows[0]).to.include({ status: 'ASSIGNED', assigned_to: admin.id });
    expect(new Date(rows[0].created_at).toISOString()).to.equal(AT);
    const events = await db('delivery_events').where({ delivery_id: input.deliveryId });
    expect(events.map((e: { type: string }) => e.type)).to.deep.equal(['created', 'assigned']);
  });

  it('when PostgreSQL refuses the data for good, then the failure is non-retryable and nothing is written', async () => {
    const { db } = stack();
    const activities = createReadModelActivities(db);
    // A partner id that names no user violates the foreign key: no retry can ever succeed.
    const input = deliveryInput(randomUUID());
    const failure = await activities.recordDeliveryCreated(input, creation(input)).then(
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
      const failure = await createReadModelActivities(down)
        .recordDeliveryChange({
          deliveryId: randomUUID(),
          eventKey: randomUUID(),
          type: 'status_changed',
          fromStatus: 'ASSIGNED',
          toStatus: 'IN_TRANSIT',
          assignedTo: null,
          actorId: randomUUID(),
          reason: null,
          at: AT,
        })
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
