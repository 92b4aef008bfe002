import { randomUUID } from 'node:crypto';
import type { WorkflowHandle } from '@temporalio/client';
import { deliveryStartOptions } from '../../src/deliveries/delivery-runs';
import type { DispatchSettings } from '../../src/domain/dispatch';
import { deliveryWorkflow } from '../../src/workflows';
import type {
  DeliveryDeadlines,
  DeliveryWorkflowInput,
} from '../../src/workflows/delivery-messages';
import { expect } from 'chai';
import type Koa from 'koa';
import request from 'supertest';
import { stack } from './stack';
import { bearer, createUser, createUserWithToken } from './users';
import { deliveryInput } from './delivery-input';
import { waitFor } from './wait-for';

export { changeArgs, deliveryInput } from './delivery-input';

export interface StartedDelivery {
  handle: WorkflowHandle<typeof deliveryWorkflow>;
  input: DeliveryWorkflowInput;
}

/**
 * Starts a delivery workflow the way the API does (for a fresh partner unless given, with the
 * configured deadlines unless given) and waits until the workflow's own first task has written
 * the row (the API is not involved here).
 */
export async function startDelivery(
  opts: {
    partnerId?: string;
    taskQueue?: string;
    deadlines?: DeliveryDeadlines;
    dispatch?: DispatchSettings;
  } = {},
): Promise<StartedDelivery> {
  const { client, config, db } = stack();
  const { taskQueue = stack().taskQueue, deadlines, dispatch } = opts;
  const partnerId = opts.partnerId ?? (await createUser({ role: 'partner' })).user.id;
  const input = {
    ...deliveryInput(partnerId),
    ...(deadlines ? { deadlines } : {}),
    ...(dispatch ? { dispatch } : {}),
  };
  const handle = await client.workflow.start(
    deliveryWorkflow,
    deliveryStartOptions({ ...config, TEMPORAL_TASK_QUEUE: taskQueue }, input),
  );
  await waitFor(
    async () => (await db('deliveries').where({ id: input.deliveryId }).first()) ?? undefined,
    'the workflow to write the delivery row',
  );
  return { handle, input };
}

/** A valid creation body, unique per call so tests never share an idempotency key. */
export function deliveryBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    product_name: `Espresso machine ${randomUUID()}`,
    delivery_address: '1 Main St, Springfield',
    delivery_date: '2030-01-01',
    recipient_name: 'Ada Lovelace',
    ...overrides,
  };
}

/** Creates a delivery through the API as the partner (`deliveryBody` with the overrides); its id. */
export async function createdDeliveryId(
  partner: { token: string },
  overrides: Record<string, unknown> = {},
): Promise<string> {
  const res = await request(stack().app.callback())
    .post('/api/v1/deliveries')
    .set(bearer(partner.token))
    .send(deliveryBody(overrides));
  expect(res.status).to.equal(201);
  return res.body.id as string;
}

/**
 * A delivery taken through the API (the stack's unless given) up to `upTo`, with its partner, its
 * admin and a super admin, each a fresh user with a token.
 */
export async function deliveryThrough(
  upTo: 'CREATED' | 'ASSIGNED' | 'IN_TRANSIT',
  body: Record<string, unknown> = deliveryBody(),
  app: Koa = stack().app,
) {
  const api = () => request(app.callback());
  const partner = await createUserWithToken({ role: 'partner' });
  const admin = await createUserWithToken({ role: 'admin' });
  const boss = await createUserWithToken({ role: 'super_admin' });
  const created = await api().post('/api/v1/deliveries').set(bearer(partner.token)).send(body);
  expect(created.status).to.equal(201);
  const id = created.body.id as string;
  const workflowId = created.body.workflow_id as string;
  if (upTo !== 'CREATED') {
    const res = await api()
      .post(`/api/v1/deliveries/${id}/assign`)
      .set(bearer(boss.token))
      .send({ admin_id: admin.user.id });
    expect(res.status).to.equal(200);
  }
  if (upTo === 'IN_TRANSIT') {
    const res = await api()
      .post(`/api/v1/deliveries/${id}/status`)
      .set(bearer(admin.token))
      .send({ status: 'IN_TRANSIT' });
    expect(res.status).to.equal(200);
  }
  return { id, workflowId, partner, admin, boss };
}
