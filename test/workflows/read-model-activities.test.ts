import { expect } from 'chai';
import { createReadModelActivities, type DeliveryChange } from '../../src/activities/read-model';
import { deliveryInput } from '../support/deliveries';
import { stack } from '../support/stack';
import { createUser } from '../support/users';

describe('read-model activities', () => {
  it('when an activity is retried after it already wrote, then no row or event is duplicated', async () => {
    const { db } = stack();
    const activities = createReadModelActivities(db);
    const partner = (await createUser({ role: 'partner' })).user;
    const admin = (await createUser({ role: 'admin' })).user;
    const input = deliveryInput(partner.id);
    const at = '2030-01-01T10:00:00.000Z';
    const created: DeliveryChange = {
      deliveryId: input.deliveryId,
      eventKey: `${input.deliveryId}:1`,
      type: 'created',
      fromStatus: null,
      toStatus: 'CREATED',
      assignedTo: null,
      actorId: partner.id,
      reason: null,
      at,
    };
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
    expect(new Date(rows[0].created_at).toISOString()).to.equal(at);
    const events = await db('delivery_events').where({ delivery_id: input.deliveryId });
    expect(events.map((e: { type: string }) => e.type)).to.deep.equal(['created', 'assigned']);
  });
});
