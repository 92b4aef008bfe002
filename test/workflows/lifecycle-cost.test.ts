import { temporal } from '@temporalio/proto';
import { expect } from 'chai';
import request from 'supertest';
import type { WebhookEvent } from '../../src/notifications/webhook-message';
import { deliveryBody } from '../support/deliveries';
import { stack } from '../support/stack';
import { bearer, createUserWithToken } from '../support/users';
import { WebhookReceiver } from '../support/webhook-receiver';

const { EventType } = temporal.api.enums.v1;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** What one run cost the engine, read from its history. */
interface LifecycleCost {
  events: number;
  workflowTasks: number;
  /** Every event's type, for the failure message. */
  types: string[];
  /** Scheduled activities by type, in the order the run scheduled them. */
  activities: string[];
}

/**
 * The history without workflow tasks that never completed (timed out on a loaded machine, say):
 * the machine's weather, not the workflow's cost; their retry is counted like any task.
 */
function withoutLostTasks(history: HistoryEvent[]): HistoryEvent[] {
  const lost = new Set<string>();
  for (const e of history) {
    const attempt = e.workflowTaskTimedOutEventAttributes ?? e.workflowTaskFailedEventAttributes;
    if (!attempt) continue;
    for (const id of [e.eventId, attempt.scheduledEventId, attempt.startedEventId]) {
      if (id) lost.add(id.toString());
    }
  }
  return history.filter((e) => !lost.has(e.eventId!.toString()));
}

function costOf(history: HistoryEvent[]): LifecycleCost {
  const events = withoutLostTasks(history);
  const activities = events.flatMap(
    (e) => e.activityTaskScheduledEventAttributes?.activityType?.name ?? [],
  );
  return {
    events: events.length,
    workflowTasks: events.filter(
      (e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED,
    ).length,
    activities,
    types: events.map((e) => EventType[e.eventType!]!.replace('EVENT_TYPE_', '')),
  };
}

const api = () => request(stack().app.callback());

/** Create, assign, IN_TRANSIT, COMPLETED through the API; what the closed run cost. */
async function lifecycle(withEndpoint: WebhookReceiver | null): Promise<LifecycleCost> {
  const partner = await createUserWithToken({ role: 'partner' });
  const admin = await createUserWithToken({ role: 'admin' });
  const boss = await createUserWithToken({ role: 'super_admin' });
  if (withEndpoint) {
    const res = await api()
      .put('/api/v1/webhooks/endpoint')
      .set(bearer(partner.token))
      .send({ url: withEndpoint.url });
    expect(res.status).to.equal(200);
  }
  const created = await api()
    .post('/api/v1/deliveries')
    .set(bearer(partner.token))
    .send(deliveryBody({ recipient_email: 'camille@example.com' }));
  expect(created.status).to.equal(201);
  const id = created.body.id as string;
  const assigned = await api()
    .post(`/api/v1/deliveries/${id}/assign`)
    .set(bearer(boss.token))
    .send({ admin_id: admin.user.id });
  expect(assigned.status).to.equal(200);
  for (const status of ['IN_TRANSIT', 'COMPLETED']) {
    const res = await api()
      .post(`/api/v1/deliveries/${id}/status`)
      .set(bearer(admin.token))
      .send({ status });
    expect(res.status).to.equal(200);
  }
  const handle = stack().client.workflow.getHandle(created.body.workflow_id as string);
  await handle.result();
  const history = await handle.fetchHistory();
  return costOf(history.events ?? []);
}

/**
 * The ceilings of issue 18 (docs/performance.md, "What one lifecycle costs"). The activities are
 * exact; events and workflow tasks are the most a run can take, when every activity completion
 * and every update gets a workflow task of its own (fewer when two share one). Before, a partner
 * with an endpoint scheduled a `sendEmails` and a `deliverWebhook` per change: 7 activity tasks,
 * up to 70 events and 11 workflow tasks. An activity or a task that comes back fails here.
 */
const CEILINGS = {
  webhookPartner: {
    events: 58,
    workflowTasks: 8,
    activities: ['deliverWebhook', 'sendNotifications', 'sendNotifications', 'sendNotifications'],
  },
  partnerWithoutEndpoint: {
    events: 50,
    workflowTasks: 7,
    activities: ['sendEmails', 'sendEmails', 'sendEmails'],
  },
};

function expectWithin(cost: LifecycleCost, ceiling: (typeof CEILINGS)['webhookPartner']): void {
  const history = cost.types.join(' ');
  expect(cost.activities).to.deep.equal(ceiling.activities);
  expect(cost.events, history).to.be.at.most(ceiling.events);
  expect(cost.workflowTasks, history).to.be.at.most(ceiling.workflowTasks);
}

describe('what one delivery lifecycle costs the engine', () => {
  let receiver: WebhookReceiver;
  beforeEach(async () => {
    receiver = await new WebhookReceiver().start();
  });
  afterEach(() => receiver.stop());

  it('when a webhook partner’s delivery is created, assigned, moved IN_TRANSIT and COMPLETED, then each change sends its emails and webhook in one activity and the run stays within its event and task ceilings', async () => {
    expectWithin(await lifecycle(receiver), CEILINGS.webhookPartner);
    // Each change's webhook exactly once (their order is the activities' race).
    const hooks = receiver.received.map((hook) => JSON.parse(hook.body) as WebhookEvent);
    expect(hooks.map((hook) => `${hook.type} ${hook.data.status}`)).to.have.members([
      'delivery.created CREATED',
      'delivery.assigned ASSIGNED',
      'delivery.status_changed IN_TRANSIT',
      'delivery.status_changed COMPLETED',
    ]);
  });

  it('when the partner has no webhook endpoint, then no webhook activity is scheduled and each change sends its emails in one activity', async () => {
    expectWithin(await lifecycle(null), CEILINGS.partnerWithoutEndpoint);
    expect(receiver.received).to.deep.equal([]);
  });
});
