import { expect } from 'chai';
import request from 'supertest';
import { getDeliveryQuery } from '../../src/workflows/delivery-messages';
import { deliveryThrough } from '../support/deliveries';
import { stack } from '../support/stack';
import { resetToFirstTask, temporalCli as temporal } from '../support/temporal-operator';
import { bearer, createUserWithToken } from '../support/users';
import { waitFor } from '../support/wait-for';

const api = () => request(stack().app.callback());
const delivery = deliveryThrough;
const setStatus = (id: string, token: string, status: string) =>
  api().post(`/api/v1/deliveries/${id}/status`).set(bearer(token)).send({ status });

const timeline = async (id: string) =>
  (await api().get(`/api/v1/deliveries/${id}`).set(bearer(stackBoss))).body.timeline as {
    type: string;
    from_status: string | null;
    to_status: string;
    reason: string | null;
  }[];
let stackBoss = '';

const statusOf = (workflowId: string) =>
  stack()
    .client.workflow.getHandle(workflowId)
    .describe()
    .then((d) => d.status.name);

describe('operator actions from the Temporal UI or CLI never strand a delivery', () => {
  before(async () => {
    stackBoss = (await createUserWithToken({ role: 'super_admin' })).token;
  });

  it('when an operator cancels a delivery before transit, then it is CANCELLED like the cancel endpoint and the run shows Canceled', async () => {
    const { id, workflowId, partner } = await delivery('ASSIGNED');
    await temporal('workflow', 'cancel', '--workflow-id', workflowId);
    await waitFor(
      async () => ((await statusOf(workflowId)) === 'CANCELLED' ? true : undefined),
      'the run to close as cancelled',
    );
    const row = await stack().db('deliveries').where({ id }).first();
    expect(row.status).to.equal('CANCELLED');
    const last = (await timeline(id)).at(-1)!;
    expect(last).to.include({ type: 'cancelled', from_status: 'ASSIGNED', to_status: 'CANCELLED' });
    expect(last.reason).to.match(/operator/);
    const titles = await stack()
      .db('notifications')
      .where({ delivery_id: id, user_id: partner.user.id })
      .pluck('title');
    expect(titles).to.include('Delivery cancelled');
    const later = await api()
      .post(`/api/v1/deliveries/${id}/cancel`)
      .set(bearer(partner.token))
      .send({});
    expect(later.status).to.equal(409);
    expect(later.body).to.include({ current_status: 'CANCELLED' });
  });

  it('when an operator cancels a delivery in transit, then the refusal is on the timeline and the admin still finishes it', async () => {
    const { id, workflowId, admin } = await delivery('IN_TRANSIT');
    await temporal('workflow', 'cancel', '--workflow-id', workflowId);
    await waitFor(
      async () =>
        (await timeline(id)).some((e) => e.type === 'cancel_refused') ? true : undefined,
      'the refused cancellation on the timeline',
    );
    expect((await stack().db('deliveries').where({ id }).first()).status).to.equal('IN_TRANSIT');
    expect(await statusOf(workflowId)).to.equal('RUNNING');
    const done = await setStatus(id, admin.token, 'COMPLETED');
    expect(done.status).to.equal(200);
    await stack().client.workflow.getHandle(workflowId).result();
    expect(await statusOf(workflowId)).to.equal('COMPLETED');
  });

  it('when an operator terminates a live delivery, then the API still shows it and the next change resumes it in a new run', async () => {
    const { id, workflowId, admin } = await delivery('ASSIGNED');
    await temporal('workflow', 'terminate', '--workflow-id', workflowId, '--reason', 'stuck?');
    expect(await statusOf(workflowId)).to.equal('TERMINATED');
    const shown = await api().get(`/api/v1/deliveries/${id}`).set(bearer(admin.token));
    expect(shown.body).to.include({ status: 'ASSIGNED', assigned_to: admin.user.id });

    const moved = await setStatus(id, admin.token, 'IN_TRANSIT');
    expect(moved.status).to.equal(200);
    expect(moved.body).to.include({ status: 'IN_TRANSIT', id });
    expect(await statusOf(workflowId)).to.equal('RUNNING');
    expect((await timeline(id)).map((e) => e.type)).to.deep.equal([
      'created',
      'assigned',
      'resumed',
      'status_changed',
    ]);
    // The operator's own reason, and who Temporal says they were, reach the timeline.
    const resumed = (await timeline(id)).find((e) => e.type === 'resumed');
    expect(resumed?.reason).to.match(
      /^An operator \(.+\) terminated the previous workflow run: "stuck\?"; this run resumes from the stored state\.$/,
    );
    const done = await setStatus(id, admin.token, 'COMPLETED');
    expect(done.status).to.equal(200);
    await stack().client.workflow.getHandle(workflowId).result();
  });

  it('when an operator resets a delivery to its first task, then the updates are re-applied and nothing is recorded twice', async () => {
    const { id, workflowId, admin } = await delivery('IN_TRANSIT');
    await resetToFirstTask(workflowId, 'bug fix deployed');
    const handle = stack().client.workflow.getHandle(workflowId);
    const state = await waitFor(async () => {
      const view = await handle.query(getDeliveryQuery);
      return view.status === 'IN_TRANSIT' ? view : undefined;
    }, 'the reset run to re-apply its updates');
    expect(state.assigned_to).to.equal(admin.user.id);
    expect((await timeline(id)).map((e) => e.type)).to.deep.equal([
      'created',
      'assigned',
      'status_changed',
    ]);
    const done = await setStatus(id, admin.token, 'COMPLETED');
    expect(done.status).to.equal(200);
    await handle.result();
  });

  it('when an operator resets without re-applying updates, then a refused change explains the rewound state and the next one reconciles the row', async () => {
    const { id, workflowId, admin, boss } = await delivery('IN_TRANSIT');
    await resetToFirstTask(workflowId, 'start over', '--reapply-exclude', 'All');
    const refused = await setStatus(id, boss.token, 'COMPLETED');
    expect(refused.status).to.equal(409);
    expect(refused.body).to.include({ current_status: 'CREATED' });
    // The admin the row still names is told of the reset, whether or not the run watcher has
    // corrected the row yet (the workflow's refusal, or the delivery gone from their queue).
    const theirs = await setStatus(id, admin.token, 'COMPLETED');
    expect(theirs.status).to.equal(409);
    expect(theirs.body.detail).to.match(
      /^An operator reset this delivery's workflow in Temporal: it is CREATED again/,
    );
    // The rewound workflow no longer knows the admin the row names; that admin still hears of it.
    const next = await createUserWithToken({ role: 'admin' });
    const assigned = await api()
      .post(`/api/v1/deliveries/${id}/assign`)
      .set(bearer(boss.token))
      .send({ admin_id: next.user.id });
    expect(assigned.status).to.equal(200);
    expect(assigned.body.status).to.equal('ASSIGNED');
    const events = await timeline(id);
    expect(events.slice(-2).map((e) => [e.type, e.from_status, e.to_status])).to.deep.equal([
      ['reconciled', 'IN_TRANSIT', 'CREATED'],
      ['assigned', 'CREATED', 'ASSIGNED'],
    ]);
    const row = await stack().db('deliveries').where({ id }).first();
    expect([row.status, row.assigned_to]).to.deep.equal(['ASSIGNED', next.user.id]);
    const told = await stack()
      .db('notifications')
      .where({ delivery_id: id, user_id: admin.user.id })
      .pluck('type');
    expect(told).to.include('delivery.unassigned');
    await stack().client.workflow.getHandle(workflowId).terminate('test finished');
  });

  it('when an operator resets an ASSIGNED delivery without re-applying updates, then the platform corrects the row at once, says why and tells the admin', async () => {
    const { id, workflowId, admin, boss } = await delivery('ASSIGNED');
    await resetToFirstTask(workflowId, 'replay the assignment', '--reapply-exclude', 'All');
    // No API call: the worker's run watcher notices the reset run by itself.
    const row = await waitFor(async () => {
      const found = await stack().db('deliveries').where({ id }).first();
      return found.status === 'CREATED' ? found : undefined;
    }, 'the row to follow the reset workflow');
    expect(row.assigned_to).to.equal(null);
    expect(row.attention).to.equal(null);
    const last = (await timeline(id)).at(-1)!;
    expect(last).to.include({ type: 'reconciled', from_status: 'ASSIGNED', to_status: 'CREATED' });
    expect(last.reason).to.match(
      /^An operator reset its workflow in Temporal \(".*replay the assignment"\) without re-applying later changes: it is CREATED again\. The stored ASSIGNED \(assigned to Test admin\) is corrected\.$/,
    );
    const told = await stack()
      .db('notifications')
      .where({ delivery_id: id, user_id: admin.user.id, type: 'delivery.unassigned' })
      .first();
    expect(told.message).to.match(/no longer assigned to you: an operator reset its workflow/);
    // The admin it left is told why, not a bare refusal.
    const refused = await setStatus(id, admin.token, 'IN_TRANSIT');
    expect(refused.status).to.equal(409);
    expect(refused.body.detail).to.match(
      /reset this delivery's workflow in Temporal.*no longer assigned to you/,
    );
    expect(refused.body).to.include({ current_status: 'CREATED' });
    const again = await api()
      .post(`/api/v1/deliveries/${id}/assign`)
      .set(bearer(boss.token))
      .send({ admin_id: admin.user.id });
    expect(again.status).to.equal(200);
    expect((await setStatus(id, admin.token, 'IN_TRANSIT')).status).to.equal(200);
    expect((await timeline(id)).filter((e) => e.type === 'reconciled')).to.have.length(1);
    await stack().client.workflow.getHandle(workflowId).terminate('test finished');
  });

  it('when an operator terminates an open delivery, then super admins see it needs attention at once, with the reason and who can fix it, until its next change resumes it', async () => {
    const { id, workflowId, admin, boss } = await delivery('IN_TRANSIT');
    await temporal('workflow', 'terminate', '--workflow-id', workflowId, '--reason', 'hung task');
    const flagged = await waitFor(async () => {
      const res = await api().get(`/api/v1/deliveries/${id}`).set(bearer(boss.token));
      return res.body.attention ? res.body : undefined;
    }, 'the delivery to be flagged');
    expect(flagged.status).to.equal('IN_TRANSIT');
    expect(flagged.attention.reason).to.match(
      /^An operator \(.+\) terminated its workflow in Temporal \("hung task"\) while it was IN_TRANSIT; nothing runs for it until it changes\.$/,
    );
    expect(flagged.attention.who_can_fix).to.match(/^Its assignee's next status change/);
    const told = await stack()
      .db('notifications')
      .where({ delivery_id: id, user_id: boss.user.id, type: 'delivery.needs_attention' })
      .pluck('message');
    expect(told).to.have.length(1);
    expect(told[0]).to.contain('("hung task")');
    expect(Number.isNaN(Date.parse(flagged.attention.since))).to.equal(false);
    const listed = await api()
      .get('/api/v1/deliveries')
      .query({ needs_attention: true, partner_id: flagged.partner_id })
      .set(bearer(boss.token));
    expect(listed.body.data.map((d: { id: string }) => d.id)).to.deep.equal([id]);

    const done = await setStatus(id, admin.token, 'COMPLETED');
    expect(done.status).to.equal(200);
    const after = await api().get(`/api/v1/deliveries/${id}`).set(bearer(boss.token));
    expect(after.body.attention).to.equal(null);
    expect((await timeline(id)).map((e) => e.type)).to.include('resumed');
    await stack().client.workflow.getHandle(workflowId).result();
  });

  it('when an operator sends a signal the workflow does not define, then it is ignored and the delivery moves on', async () => {
    const { id, workflowId, admin } = await delivery('ASSIGNED');
    await temporal(
      'workflow',
      'signal',
      '--workflow-id',
      workflowId,
      '--name',
      'poke',
      '--input',
      '{"status":"COMPLETED"}',
    );
    const moved = await setStatus(id, admin.token, 'IN_TRANSIT');
    expect(moved.status).to.equal(200);
    expect(moved.body.status).to.equal('IN_TRANSIT');
    expect(await statusOf(workflowId)).to.equal('RUNNING');
    await stack().client.workflow.getHandle(workflowId).terminate('test finished');
  });
});
