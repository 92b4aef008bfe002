import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { hashPassword } from '../../src/accounts/passwords';
import { insertUser } from '../../src/db/repositories/users';
import { deliveryWorkflow } from '../../src/workflows';
import { getDeliveryQuery } from '../../src/workflows/delivery-messages';
import { stack } from '../support/stack';
import { waitFor } from '../support/wait-for';

describe('wiring: API client → Temporal → worker → activity → Postgres', () => {
  it('when a delivery workflow starts, then its activity stores the delivery row', async () => {
    const { client, db, taskQueue } = stack();
    const partner = await insertUser(db, {
      email: `partner-${randomUUID()}@example.com`,
      password_hash: await hashPassword('a-long-password'),
      role: 'partner',
      verified: true,
    });
    const deliveryId = randomUUID();
    const workflowId = `wiring-${deliveryId}`;
    const handle = await client.workflow.start(deliveryWorkflow, {
      taskQueue,
      workflowId,
      args: [
        {
          deliveryId,
          idempotencyKey: workflowId,
          payloadHash: 'hash',
          partnerId: partner.id,
          request: {
            product_name: 'Espresso machine',
            delivery_address: '1 Main St',
            delivery_date: '2030-01-01',
          },
          createdAt: new Date().toISOString(),
        },
      ],
    });

    const row = await waitFor(
      () => db('deliveries').where({ id: deliveryId }).first(),
      'the delivery row',
    );
    expect(row).to.include({
      workflow_id: workflowId,
      status: 'CREATED',
      partner_id: partner.id,
      product_name: 'Espresso machine',
    });
    const events = await db('delivery_events').where({ delivery_id: deliveryId });
    expect(events.map((e: { type: string }) => e.type)).to.deep.equal(['created']);
    expect(await handle.query(getDeliveryQuery)).to.include({ status: 'CREATED' });
    await handle.terminate('test finished');
  });
});
