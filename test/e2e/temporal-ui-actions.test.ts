/**
 * An operator's button in the Temporal UI, pressed in Chromium against the test stack's dev server
 * (its web UI), and what the platform's API says afterwards: the delivery is not stranded.
 */
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import request from 'supertest';
import { launchBrowser, screenshotPath } from '../support/browser';
import { deliveryThrough } from '../support/deliveries';
import { stack } from '../support/stack';
import { bearer } from '../support/users';
import { waitFor } from '../support/wait-for';

const api = () => request(stack().app.callback());

describe('operator actions pressed in the Temporal UI (Chromium)', function () {
  this.timeout(180_000);
  let browser: Browser;

  before(async () => {
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
  });

  /** The run's page in the UI, as ops reach it from the console's workflow link. */
  async function workflowPage(workflowId: string): Promise<Page> {
    const ui = stack().temporalUiUrl;
    if (!ui) throw new Error('The test stack runs no Temporal UI');
    const { runId } = await stack().client.workflow.getHandle(workflowId).describe();
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const page = await context.newPage();
    await page.goto(`${ui}/namespaces/default/workflows/${workflowId}/${runId}/history`);
    await page.getByRole('button', { name: 'More Actions' }).waitFor({ timeout: 60_000 });
    return page;
  }

  it('when an operator terminates an assigned delivery in the UI with a reason, then super admins see why at once and the assignee still moves it on', async () => {
    const { id, workflowId, admin, boss } = await deliveryThrough('ASSIGNED');
    const page = await workflowPage(workflowId);
    await page.getByRole('button', { name: 'More Actions' }).click();
    await page.getByRole('menuitem', { name: 'Terminate' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('Terminate Workflow').waitFor();
    // The UI's reason field has a visible label but no accessible name Chromium computes.
    await dialog.getByPlaceholder('Enter a reason').fill('courier app crashed, ops retry');
    await page.screenshot({ path: screenshotPath('temporal-ui-terminate') });
    await dialog.getByRole('button', { name: 'Terminate' }).click();
    await dialog.waitFor({ state: 'hidden' });

    // Without any further call to the API, the delivery is flagged with the operator's words.
    const flagged = await waitFor(async () => {
      const res = await api().get(`/api/v1/deliveries/${id}`).set(bearer(boss.token));
      return res.body.attention ? res.body : undefined;
    }, 'the terminated delivery to be flagged');
    expect(flagged).to.include({ status: 'ASSIGNED', assigned_to: admin.user.id });
    expect(flagged.attention.reason).to.match(
      /terminated its workflow in Temporal \("courier app crashed, ops retry"\) while it was ASSIGNED/,
    );

    const moved = await api()
      .post(`/api/v1/deliveries/${id}/status`)
      .set(bearer(admin.token))
      .send({ status: 'IN_TRANSIT' });
    expect(moved.status).to.equal(200);
    const after = await api().get(`/api/v1/deliveries/${id}`).set(bearer(boss.token));
    expect(after.body.attention).to.equal(null);
    const resumed = (after.body.timeline as { type: string; reason: string | null }[]).find(
      (e) => e.type === 'resumed',
    );
    expect(resumed?.reason).to.match(/: "courier app crashed, ops retry"; this run resumes/);
    await stack().client.workflow.getHandle(workflowId).terminate('test finished');
  });

  it('when an operator resets an assigned delivery in the UI to its first task, excluding updates, then the row follows at once and the admin it left is told why', async () => {
    const { id, workflowId, admin, boss } = await deliveryThrough('ASSIGNED');
    const page = await workflowPage(workflowId);
    await page.getByRole('button', { name: 'More Actions' }).click();
    await page.getByRole('menuitem', { name: 'Reset' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByText('Reset Workflow').waitFor();
    // The event picker's button has no accessible name; the UI's own test id is its stable handle.
    await dialog.getByTestId('workflow-reset-event-id-select-button').click();
    // The first workflow task: before the assignment, as the operator chose.
    await dialog.getByRole('option').first().click();
    await dialog.getByText('Exclude Updates that happened after the Reset point.').click();
    await dialog.getByPlaceholder('Enter a reason').fill('redo the assignment');
    await page.screenshot({ path: screenshotPath('temporal-ui-reset-excluding-updates') });
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await dialog.waitFor({ state: 'hidden' });

    const row = await waitFor(async () => {
      const res = await api().get(`/api/v1/deliveries/${id}`).set(bearer(boss.token));
      return res.body.status === 'CREATED' ? res.body : undefined;
    }, 'the row to follow the reset workflow');
    expect(row.assigned_to).to.equal(null);
    const last = (row.timeline as { type: string; reason: string | null }[]).at(-1)!;
    expect(last.type).to.equal('reconciled');
    expect(last.reason).to.match(/reset its workflow in Temporal \(".*redo the assignment"\)/);
    const told = await stack()
      .db('notifications')
      .where({ delivery_id: id, user_id: admin.user.id, type: 'delivery.unassigned' })
      .pluck('message');
    expect(told).to.have.length(1);

    const refused = await api()
      .post(`/api/v1/deliveries/${id}/status`)
      .set(bearer(admin.token))
      .send({ status: 'IN_TRANSIT' });
    expect(refused.status).to.equal(409);
    expect(refused.body.detail).to.match(/reset this delivery's workflow in Temporal/);
    const assigned = await api()
      .post(`/api/v1/deliveries/${id}/assign`)
      .set(bearer(boss.token))
      .send({ admin_id: admin.user.id });
    expect(assigned.status).to.equal(200);
    await stack().client.workflow.getHandle(workflowId).terminate('test finished');
  });
});
