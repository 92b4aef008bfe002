/**
 * Records full delivery-workflow histories for the replay test (`test/replay/replay.test.ts`)
 * from real runs on a stack of its own. Histories are append-only evidence:
 *
 *   npx tsx scripts/record-histories.ts                  every scenario without a history yet
 *   npx tsx scripts/record-histories.ts <scenario …>     those named (refused if one exists)
 *   npx tsx scripts/record-histories.ts --overwrite <scenario>   replace that one, deliberately
 *
 * Add a scenario (and its history) for every new shape; never re-record an existing one to
 * silence a replay failure of released code — guard the change with `patched()` instead.
 * `test/replay/coverage.test.ts` checks that the set still holds every shape it claims.
 */
import { randomUUID } from 'node:crypto';
import { readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { WorkflowHandle } from '@temporalio/client';
import request from 'supertest';
import type { Actor } from '../src/domain/delivery-rules';
import { sandboxRemovalWorkflow, type deliveryWorkflow } from '../src/workflows';
import {
  acceptOfferUpdate,
  assignUpdate,
  cancelUpdate,
  declineOfferUpdate,
  getDeliveryQuery,
  transitionUpdate,
  type DeliveryDeadlines,
} from '../src/workflows/delivery-messages';
import {
  changeArgs,
  deliveryBody,
  startDelivery,
  type StartedDelivery,
} from '../test/support/deliveries';
import { historyToJson } from '../test/replay/history-json';
import { planRecording, RecordingRefused } from '../test/replay/recording-plan';
import { stack, startStack, stopStack } from '../test/support/stack';
import { resetToFirstTask, temporalCli as temporal } from '../test/support/temporal-operator';
import { bearer, createUser, createUserWithToken, type TestUser } from '../test/support/users';
import { waitFor } from '../test/support/wait-for';
import { WebhookReceiver } from '../test/support/webhook-receiver';

const OUT = path.resolve(__dirname, '../test/replay/histories');

type DeliveryHandle = WorkflowHandle<typeof deliveryWorkflow>;

/** What every scenario may use: two standing actors and the partners' webhook receiver. */
interface Cast {
  boss: Actor;
  admin: Actor;
  receiver: WebhookReceiver;
}

/** Plays one scenario to its end; returns the run whose history is recorded. */
type Scenario = (cast: Cast) => Promise<Pick<WorkflowHandle, 'result' | 'fetchHistory'>>;

const actor = async (role: Actor['role']): Promise<Actor> => ({
  id: (await createUser({ role })).user.id,
  role,
});

const soon = (ms: number) => new Date(Date.now() + ms).toISOString();

// ---------------------------------------------------------------------------------------------
// The first six: updates sent to a workflow started as `startDelivery` starts one. Their files
// hold record results from before notification channels ({recorded, emails, webhook}), a shape
// today's code no longer makes: one more reason never to re-record them.

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

const eventsOf = (deliveryId: string) =>
  stack().db('delivery_events').where({ delivery_id: deliveryId }).pluck('type');

const untilEvent = (deliveryId: string, type: string) =>
  waitFor(
    async () => ((await eventsOf(deliveryId)).includes(type) ? true : undefined),
    `a ${type} event`,
  );

/** Missed the SLA (recorded), assigned, missed its date (recorded), then completed. */
async function deadlines({ handle, input }: StartedDelivery, boss: Actor, admin: Actor) {
  await untilEvent(input.deliveryId, 'assignment_overdue');
  await handle.executeUpdate(assignUpdate, { args: [{ ...changeArgs(boss), adminId: admin.id }] });
  await untilEvent(input.deliveryId, 'delivery_overdue');
  await handle.executeUpdate(transitionUpdate, {
    args: [{ ...changeArgs(admin), status: 'IN_TRANSIT' }],
  });
  await handle.executeUpdate(transitionUpdate, {
    args: [{ ...changeArgs(admin), status: 'COMPLETED' }],
  });
}

/** A scenario that drives a delivery started by `startDelivery` with updates. */
function started(
  play: (delivery: StartedDelivery, boss: Actor, admin: Actor) => Promise<void>,
  options?: () => Parameters<typeof startDelivery>[0],
): Scenario {
  return async ({ boss, admin }) => {
    const delivery = await startDelivery(options?.());
    await play(delivery, boss, admin);
    return delivery.handle;
  };
}

// ---------------------------------------------------------------------------------------------
// The current shapes: record results as {recorded, outbound: OutboundJob[]}, for a partner with
// a webhook endpoint (so both jobs, `sendEmails` and `deliverWebhook`, are planned), driven the
// way the platform is: through the API, and by operators through the Temporal CLI.

const api = () => request(stack().app.callback());

/** Fails the recording when the platform answers otherwise than the scenario expects. */
function expectStatus(res: request.Response, status: number, what: string): void {
  if (res.status !== status) {
    throw new Error(`${what}: expected ${status}, got ${res.status} ${JSON.stringify(res.body)}`);
  }
}

/** A partner whose systems hear every change: an endpoint registered through the API. */
async function webhookPartner(receiver: WebhookReceiver): Promise<TestUser & { token: string }> {
  const partner = await createUserWithToken({ role: 'partner' });
  const res = await api()
    .put('/api/v1/webhooks/endpoint')
    .set(bearer(partner.token))
    .send({ url: receiver.url });
  expectStatus(res, 200, 'registering the webhook endpoint');
  return partner;
}

interface StatusOptions {
  /** Who asks (the delivery's admin unless given). */
  by?: { token: string };
  expected?: number;
  reason?: string;
  /** What FAILED and COMPLETED carry: `failure_reason`, `proof`. */
  extra?: Record<string, unknown>;
}

/** A delivery created and moved through the API by a webhook partner, its admin and a boss. */
class ApiDelivery {
  private constructor(
    readonly id: string,
    readonly workflowId: string,
    readonly partner: TestUser & { token: string },
    readonly admin: TestUser & { token: string },
    readonly boss: TestUser & { token: string },
  ) {}

  static async create(
    receiver: WebhookReceiver,
    overrides: Record<string, unknown> = {},
  ): Promise<ApiDelivery> {
    const partner = await webhookPartner(receiver);
    const admin = await createUserWithToken({ role: 'admin' });
    const boss = await createUserWithToken({ role: 'super_admin' });
    const res = await api()
      .post('/api/v1/deliveries')
      .set(bearer(partner.token))
      .send(deliveryBody(overrides));
    expectStatus(res, 201, 'creating the delivery');
    return new ApiDelivery(res.body.id, res.body.workflow_id, partner, admin, boss);
  }

  /** The latest run, or the given one. */
  handle(runId?: string): DeliveryHandle {
    return stack().client.workflow.getHandle(this.workflowId, runId);
  }

  async assign(adminId = this.admin.user.id): Promise<void> {
    const res = await api()
      .post(`/api/v1/deliveries/${this.id}/assign`)
      .set(bearer(this.boss.token))
      .send({ admin_id: adminId });
    expectStatus(res, 200, 'assigning');
  }

  async setStatus(
    status: string,
    { by = this.admin, expected = 200, reason, extra = {} }: StatusOptions = {},
  ): Promise<void> {
    const res = await api()
      .post(`/api/v1/deliveries/${this.id}/status`)
      .set(bearer(by.token))
      .send({ status, ...(reason ? { reason } : {}), ...extra });
    expectStatus(res, expected, `moving to ${status}`);
  }

  async cancelAsPartner(reason: string): Promise<void> {
    const res = await api()
      .post(`/api/v1/deliveries/${this.id}/cancel`)
      .set(bearer(this.partner.token))
      .send({ reason });
    expectStatus(res, 200, 'cancelling');
  }

  events(): Promise<string[]> {
    return eventsOf(this.id);
  }

  async runId(): Promise<string> {
    return (await this.handle().describe()).runId;
  }
}

/** create → assign → IN_TRANSIT → COMPLETED: each change hooks the partner, all but one email. */
async function outboundEmailAndWebhook({ receiver }: Cast): Promise<DeliveryHandle> {
  const delivery = await ApiDelivery.create(receiver);
  await delivery.assign();
  await delivery.setStatus('IN_TRANSIT');
  await delivery.setStatus('COMPLETED');
  await delivery.handle().result();
  const hooks = receiver.received.filter((hook) => hook.body.includes(delivery.id));
  if (hooks.length !== 4) throw new Error(`expected 4 webhooks, the receiver got ${hooks.length}`);
  return delivery.handle();
}

/**
 * A delivery started with deadlines seconds away (the API takes them from ASSIGNMENT_SLA and the
 * delivery date), for a partner with a webhook endpoint, then driven by updates.
 */
function withDeadlines(
  deadlines: () => Omit<DeliveryDeadlines, 'timeZone'>,
  play: (delivery: StartedDelivery, boss: Actor, admin: Actor) => Promise<void>,
): Scenario {
  return async ({ boss, admin, receiver }) => {
    const partner = await webhookPartner(receiver);
    const delivery = await startDelivery({
      partnerId: partner.user.id,
      deadlines: { ...deadlines(), timeZone: 'UTC' },
    });
    await play(delivery, boss, admin);
    return delivery.handle;
  };
}

/** The SLA timer fires while the delivery waits for an admin; it is then assigned and completed. */
async function assignmentOverdue({ handle, input }: StartedDelivery, boss: Actor, admin: Actor) {
  await untilEvent(input.deliveryId, 'assignment_overdue');
  await handle.executeUpdate(assignUpdate, { args: [{ ...changeArgs(boss), adminId: admin.id }] });
  await handle.executeUpdate(transitionUpdate, {
    args: [{ ...changeArgs(admin), status: 'IN_TRANSIT' }],
  });
  await handle.executeUpdate(transitionUpdate, {
    args: [{ ...changeArgs(admin), status: 'COMPLETED' }],
  });
}

/** Assigned at once (the SLA timer is cancelled), then the date's timer fires in transit. */
async function deliveryOverdue({ handle, input }: StartedDelivery, boss: Actor, admin: Actor) {
  await handle.executeUpdate(assignUpdate, { args: [{ ...changeArgs(boss), adminId: admin.id }] });
  await handle.executeUpdate(transitionUpdate, {
    args: [{ ...changeArgs(admin), status: 'IN_TRANSIT' }],
  });
  await untilEvent(input.deliveryId, 'delivery_overdue');
  await handle.executeUpdate(transitionUpdate, {
    args: [{ ...changeArgs(admin), status: 'COMPLETED' }],
  });
}

/** A windowed delivery assigned and on its way when its window ends: `delivery_late`, then done. */
async function deliveryLate({ handle, input }: StartedDelivery, boss: Actor, admin: Actor) {
  await handle.executeUpdate(assignUpdate, { args: [{ ...changeArgs(boss), adminId: admin.id }] });
  await handle.executeUpdate(transitionUpdate, {
    args: [{ ...changeArgs(admin), status: 'IN_TRANSIT' }],
  });
  await untilEvent(input.deliveryId, 'delivery_late');
  await handle.executeUpdate(transitionUpdate, {
    args: [{ ...changeArgs(admin), status: 'COMPLETED' }],
  });
}

/** FAILED with a code from the catalogue and the courier's note, through the API. */
async function failedWithCode({ receiver }: Cast): Promise<DeliveryHandle> {
  const delivery = await ApiDelivery.create(receiver, { recipient_email: 'ada@example.com' });
  await delivery.assign();
  await delivery.setStatus('IN_TRANSIT');
  await delivery.setStatus('FAILED', {
    reason: 'Rang twice, left a card',
    extra: { failure_reason: 'recipient_unavailable' },
  });
  return delivery.handle();
}

/** A proof_required delivery COMPLETED with who received it and a photo stored for it. */
async function completedWithProof({ receiver }: Cast): Promise<DeliveryHandle> {
  const delivery = await ApiDelivery.create(receiver, { proof_required: true });
  await delivery.assign();
  await delivery.setStatus('IN_TRANSIT');
  const photo = randomUUID();
  await stack()
    .db('delivery_attachments')
    .insert({
      id: photo,
      delivery_id: delivery.id,
      uploaded_by: delivery.admin.user.id,
      content_type: 'image/jpeg',
      bytes: 2048,
      sha256: 'b'.repeat(64),
      storage_key: `deliveries/${delivery.id}/${photo}`,
    });
  await delivery.setStatus('COMPLETED', {
    extra: { proof: { received_by: 'Ann', note: 'At the door', attachment_ids: [photo] } },
  });
  return delivery.handle();
}

/** "Request Cancellation" before transit: cancelled like the cancel endpoint; the run Canceled. */
async function cancelRequestAccepted({ receiver }: Cast): Promise<DeliveryHandle> {
  const delivery = await ApiDelivery.create(receiver);
  await delivery.assign();
  await temporal('workflow', 'cancel', '--workflow-id', delivery.workflowId);
  await delivery
    .handle()
    .result()
    .catch(() => undefined);
  return delivery.handle();
}

/** "Request Cancellation" in transit: `cancel_refused` on the timeline; the admin fails it. */
async function cancelRequestRefused({ receiver }: Cast): Promise<DeliveryHandle> {
  const delivery = await ApiDelivery.create(receiver);
  await delivery.assign();
  await delivery.setStatus('IN_TRANSIT');
  await temporal('workflow', 'cancel', '--workflow-id', delivery.workflowId);
  await untilEvent(delivery.id, 'cancel_refused');
  await delivery.setStatus('FAILED', {
    reason: 'left at the door',
    extra: { failure_reason: 'recipient_unavailable' },
  });
  return delivery.handle();
}

/** The partner cancels before assignment through the API. */
async function partnerCancelled({ receiver }: Cast): Promise<DeliveryHandle> {
  const delivery = await ApiDelivery.create(receiver);
  await delivery.cancelAsPartner('not needed');
  return delivery.handle();
}

/** An ASSIGNED delivery's run terminated by an operator: the terminated run itself. */
async function terminated({ receiver }: Cast): Promise<DeliveryHandle> {
  const delivery = await ApiDelivery.create(receiver);
  await delivery.assign();
  const runId = await delivery.runId();
  await temporal(
    'workflow',
    'terminate',
    '--workflow-id',
    delivery.workflowId,
    '--reason',
    'stuck?',
  );
  return delivery.handle(runId);
}

/** The run after "Terminate": the next change starts it with `resumeFrom` (timeline `resumed`). */
async function terminatedResumed({ receiver }: Cast): Promise<DeliveryHandle> {
  const delivery = await ApiDelivery.create(receiver);
  await delivery.assign();
  const first = await delivery.runId();
  await temporal(
    'workflow',
    'terminate',
    '--workflow-id',
    delivery.workflowId,
    '--reason',
    'stuck?',
  );
  await delivery.setStatus('IN_TRANSIT');
  if ((await delivery.runId()) === first) throw new Error('the change did not start a new run');
  await delivery.setStatus('COMPLETED');
  if (!(await delivery.events()).includes('resumed')) throw new Error('no resumed event');
  return delivery.handle();
}

/** "Reset" to the first task of an IN_TRANSIT delivery, its updates re-applied; then completed. */
async function resetReapplied({ receiver }: Cast): Promise<DeliveryHandle> {
  const delivery = await ApiDelivery.create(receiver);
  await delivery.assign();
  await delivery.setStatus('IN_TRANSIT');
  const first = await delivery.runId();
  await resetToFirstTask(delivery.workflowId, 'recording a reset');
  await waitFor(async () => {
    if ((await delivery.runId()) === first) return undefined;
    const view = await delivery.handle().query(getDeliveryQuery);
    return view.status === 'IN_TRANSIT' ? true : undefined;
  }, 'the reset run to re-apply its updates');
  await delivery.setStatus('COMPLETED');
  return delivery.handle();
}

/**
 * "Reset" with updates excluded: the run is back at CREATED, a change refused on that state, the
 * next assignment `reconciled` with the row the old run left; then completed.
 */
async function resetExcluded({ receiver }: Cast): Promise<DeliveryHandle> {
  const delivery = await ApiDelivery.create(receiver);
  await delivery.assign();
  await delivery.setStatus('IN_TRANSIT');
  await resetToFirstTask(delivery.workflowId, 'recording a reset', '--reapply-exclude', 'All');
  await delivery.setStatus('COMPLETED', { by: delivery.boss, expected: 409 });
  const next = await createUserWithToken({ role: 'admin' });
  await delivery.assign(next.user.id);
  if (!(await delivery.events()).includes('reconciled')) throw new Error('no reconciled event');
  await delivery.setStatus('IN_TRANSIT', { by: next });
  await delivery.setStatus('COMPLETED', { by: next });
  return delivery.handle();
}

/** "Send Signal" with a name the workflow does not define: logged, ignored; the delivery moves on. */
async function signalIgnored({ receiver }: Cast): Promise<DeliveryHandle> {
  const delivery = await ApiDelivery.create(receiver);
  await delivery.assign();
  await temporal(
    'workflow',
    'signal',
    '--workflow-id',
    delivery.workflowId,
    '--name',
    'poke',
    '--input',
    '{"status":"COMPLETED"}',
  );
  await delivery.setStatus('IN_TRANSIT');
  await delivery.setStatus('COMPLETED');
  return delivery.handle();
}

// ---------------------------------------------------------------------------------------------
// Auto-dispatch (issue 20): deliveries started in auto mode with offers of a few seconds, among
// admins of their own (every other admin of the stack is made unavailable first).

/** `count` fresh admins, the only available ones, in the order the dispatch lock ranks them. */
async function onlyAvailableAdmins(count: number): Promise<Actor[]> {
  await stack().db('users').where({ role: 'admin' }).update({ available: false });
  const admins: Actor[] = [];
  for (let i = 0; i < count; i += 1) admins.push(await actor('admin'));
  return admins;
}

const autoDispatch = (offerTimeoutSeconds: number, maxOffers: number) => () => ({
  dispatch: { mode: 'auto' as const, offerTimeoutSeconds, maxOffers },
});

/** Waits for offer number `number` of the delivery and returns the admin it went to. */
const untilOffer = (deliveryId: string, number: number) =>
  waitFor(
    async () =>
      (await stack().db('delivery_offers').where({ delivery_id: deliveryId, number }).first()) as
        { admin_id: string } | undefined,
    `offer ${number}`,
  );

const asAdmin = (id: string): Actor => ({ id, role: 'admin' });

async function inTransitThenCompleted(handle: DeliveryHandle, admin: Actor): Promise<void> {
  await handle.executeUpdate(transitionUpdate, {
    args: [{ ...changeArgs(admin), status: 'IN_TRANSIT' }],
  });
  await handle.executeUpdate(transitionUpdate, {
    args: [{ ...changeArgs(admin), status: 'COMPLETED' }],
  });
}

/** Offered three times: declined, left to expire, accepted; then delivered. */
async function offersDeclinedExpiredAccepted({ handle, input }: StartedDelivery) {
  const id = input.deliveryId;
  const first = await untilOffer(id, 1);
  await handle.executeUpdate(declineOfferUpdate, {
    args: [changeArgs(asAdmin(first.admin_id), 'Van is full')],
  });
  await untilOffer(id, 2);
  await untilEvent(id, 'offer_expired');
  const third = await untilOffer(id, 3);
  await handle.executeUpdate(acceptOfferUpdate, { args: [changeArgs(asAdmin(third.admin_id))] });
  await inTransitThenCompleted(handle, asAdmin(third.admin_id));
}

/** A super admin assigns by hand while an offer is pending: the offer is withdrawn. */
async function offerWithdrawn({ handle, input }: StartedDelivery, boss: Actor, admin: Actor) {
  await untilOffer(input.deliveryId, 1);
  await handle.executeUpdate(assignUpdate, { args: [{ ...changeArgs(boss), adminId: admin.id }] });
  await inTransitThenCompleted(handle, admin);
}

/** The only offer expires: back to the queue for a human, who assigns it. */
async function returnedToQueue({ handle, input }: StartedDelivery, boss: Actor, admin: Actor) {
  await untilEvent(input.deliveryId, 'returned_to_queue');
  await handle.executeUpdate(assignUpdate, { args: [{ ...changeArgs(boss), adminId: admin.id }] });
  await inTransitThenCompleted(handle, admin);
}

/** Run `play` once the stack's only available admins are `count` fresh ones. */
function withAdmins(
  count: number,
  play: (delivery: StartedDelivery, boss: Actor, admin: Actor) => Promise<void>,
  options: () => Parameters<typeof startDelivery>[0],
): Scenario {
  return async (cast) => {
    await onlyAvailableAdmins(count);
    return started(play, options)(cast);
  };
}

/**
 * A bulk create of 30 deliveries (two chunks, one item refused) by a webhook partner: the batch
 * workflow's chunk activities, finishBatch and the batch.completed webhook.
 */
async function batchCompleted({ receiver }: Cast) {
  const partner = await webhookPartner(receiver);
  const deliveries = Array.from({ length: 30 }, (_, i) => ({
    idempotency_key: `recorded-${i}-${randomUUID()}`,
    ...deliveryBody(),
    ...(i === 7 ? { delivery_date: '2020-01-01' } : {}),
  }));
  const res = await api()
    .post('/api/v1/deliveries/batches')
    .set(bearer(partner.token))
    .send({ deliveries });
  expectStatus(res, 202, 'sending the batch');
  const { workflow_id } = await stack()
    .db('delivery_batches')
    .where({ id: res.body.id })
    .first('workflow_id');
  const handle = stack().client.workflow.getHandle(workflow_id as string);
  await handle.result();
  if (!receiver.received.some((hook) => hook.body.includes(res.body.id))) {
    throw new Error('the receiver got no batch.completed webhook');
  }
  return handle;
}

/** A webhook partner's sandbox key creates a delivery; `pick` names the run to record. */
function sandboxDelivery(
  pick: (delivery: { id: string; workflow_id: string }) => string,
): Scenario {
  return async ({ receiver }: Cast) => {
    const partner = await webhookPartner(receiver);
    const keyRes = await api()
      .post('/api/v1/api-keys')
      .set(bearer(partner.token))
      .send({ name: 'Recorded sandbox', sandbox: true });
    expectStatus(keyRes, 201, 'creating the sandbox key');
    const res = await api()
      .post('/api/v1/deliveries')
      .set(bearer(keyRes.body.key as string))
      .set('Idempotency-Key', randomUUID())
      .send(deliveryBody({ recipient_email: 'ada@example.test' }));
    expectStatus(res, 201, 'creating the sandbox delivery');
    const courier = stack().client.workflow.getHandle(`sandbox-courier-${res.body.id as string}`);
    await courier.result();
    return stack().client.workflow.getHandle(pick(res.body as { id: string; workflow_id: string }));
  };
}

/** One run of the hourly removal of expired sandbox deliveries (what its schedule starts). */
async function sandboxRemoval(): Promise<WorkflowHandle> {
  const handle = await stack().client.workflow.start(sandboxRemovalWorkflow, {
    workflowId: `sandbox-removal-${randomUUID()}`,
    taskQueue: stack().taskQueue,
  });
  await handle.result();
  return handle;
}

/** Every scenario, by the name of its history file; new ones are added, none is renamed. */
const SCENARIOS: Record<string, Scenario> = {
  completed: started(completed),
  cancelled: started(cancelled),
  raced: started(raced),
  'operator-cancelled': started(operatorCancelled),
  'cancel-refused': started(cancelRefused),
  deadlines: started(deadlines, () => ({
    deadlines: { assignBy: soon(1000), dueBy: soon(3000), timeZone: 'UTC' },
  })),
  'outbound-email-and-webhook': outboundEmailAndWebhook,
  'assignment-overdue': withDeadlines(
    () => ({ assignBy: soon(1000), dueBy: soon(3_600_000) }),
    assignmentOverdue,
  ),
  'delivery-overdue': withDeadlines(
    () => ({ assignBy: soon(600_000), dueBy: soon(3000) }),
    deliveryOverdue,
  ),
  'cancel-request-accepted': cancelRequestAccepted,
  'cancel-request-refused': cancelRequestRefused,
  'partner-cancelled': partnerCancelled,
  terminated,
  'terminated-resumed': terminatedResumed,
  'reset-reapplied': resetReapplied,
  'reset-excluded': resetExcluded,
  'signal-ignored': signalIgnored,
  'delivery-late': withDeadlines(
    () => ({ assignBy: soon(600_000), dueBy: soon(3000), dueEvent: 'delivery_late' }),
    deliveryLate,
  ),
  'failed-with-code': failedWithCode,
  'completed-with-proof': completedWithProof,
  // The same lifecycle as outbound-email-and-webhook since 'one-outbound-activity-per-change':
  // each change's emails and webhook in one sendNotifications activity.
  'outbound-one-activity-per-change': outboundEmailAndWebhook,
  'offers-declined-expired-accepted': withAdmins(
    3,
    offersDeclinedExpiredAccepted,
    autoDispatch(3, 3),
  ),
  'offer-withdrawn': withAdmins(2, offerWithdrawn, autoDispatch(600, 3)),
  'offer-expired-returned-to-queue': withAdmins(1, returnedToQueue, autoDispatch(2, 3)),
  // Not a delivery: the bulk create's own workflow (deliveryBatchWorkflow).
  'batch-completed': batchCompleted,
  // A sandbox key's delivery (`sandbox: true` in its input) and its simulated courier (issue 21).
  'sandbox-delivery-completed': sandboxDelivery((delivery) => delivery.workflow_id),
  'sandbox-courier': sandboxDelivery((delivery) => `sandbox-courier-${delivery.id}`),
  'sandbox-removal': sandboxRemoval,
};

async function recordedHistories(): Promise<Set<string>> {
  const files = await readdir(OUT);
  return new Set(files.filter((f) => f.endsWith('.json')).map((f) => path.basename(f, '.json')));
}

async function main(): Promise<void> {
  const plan = planRecording(
    process.argv.slice(2),
    Object.keys(SCENARIOS),
    await recordedHistories(),
  );
  if (plan.skipped.length > 0) {
    console.log(`skipped (already recorded; see --overwrite): ${plan.skipped.join(', ')}`);
  }
  if (plan.record.length === 0) {
    console.log('nothing to record');
    return;
  }
  await startStack();
  const receiver = await new WebhookReceiver().start();
  try {
    const cast: Cast = { boss: await actor('super_admin'), admin: await actor('admin'), receiver };
    for (const name of plan.record) {
      const handle = await SCENARIOS[name]!(cast);
      // Only COMPLETED closes as completed; the other outcomes close as failed or cancelled.
      await handle.result().catch(() => undefined);
      const history = await handle.fetchHistory();
      await writeFile(path.join(OUT, `${name}.json`), historyToJson(history));
      console.log(`recorded ${name} (${history.events?.length ?? 0} events)`);
    }
  } finally {
    await receiver.stop();
    await stopStack();
  }
}

main().catch((error: unknown) => {
  if (error instanceof RecordingRefused) {
    console.error(error.message);
    process.exit(2);
  }
  console.error(error);
  process.exit(1);
});
