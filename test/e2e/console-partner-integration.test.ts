import { readFile } from 'node:fs/promises';
import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { browserSuite, screenshotPath, signInToConsole } from '../support/browser';
import { deliveryBody } from '../support/deliveries';
import { stack } from '../support/stack';
import { bearer, createUserWithToken } from '../support/users';
import { waitFor } from '../support/wait-for';
import { WebhookReceiver } from '../support/webhook-receiver';
import { partnerWithEndpoint } from '../support/webhooks';

const PHONE = { width: 390, height: 844 };
const api = () => request(stack().app.callback());

/** The partner's integration pages (issue 21): keys, batches, the webhook log, the export. */
describe('partner console: API keys, batches, webhook log and export in a browser', function () {
  this.timeout(120_000);
  const { base, browser } = browserSuite();
  let receiver: WebhookReceiver;

  beforeEach(async () => {
    receiver = await new WebhookReceiver().start();
  });
  afterEach(() => receiver.stop());

  it('when a partner creates a sandbox key, then its secret is shown once with its badge, a delivery made with it shows Sandbox, and revoking asks first', async () => {
    const partner = await createUserWithToken({ role: 'partner' });
    const page = await signInToConsole(browser(), base(), partner, PHONE);
    await page.getByRole('link', { name: 'API keys' }).click();
    await page.getByText('No API key yet.').waitFor();

    await page.getByLabel('Name', { exact: true }).fill('Shop staging');
    await page.getByLabel('Kind').selectOption('true');
    await page.getByRole('button', { name: 'Create key' }).click();
    const shown = page.getByRole('region', { name: 'Sandbox key Shop staging' });
    await shown.getByText('it will not be shown again').waitFor();
    const secret = (await shown.locator('[data-secret]').innerText()).trim();
    expect(secret).to.match(/^dak_test_/);
    await shown.getByRole('button', { name: 'Copy Sandbox key Shop staging' }).waitFor();
    const card = page.locator('.card[data-key-id]', { hasText: 'Shop staging' });
    expect(await card.locator('.mode-badge').innerText()).to.equal('Sandbox');
    expect(await card.locator('code').innerText()).to.equal(`${secret.slice(0, 15)}…`);
    const stored = await stack().db('api_keys').where({ partner_id: partner.user.id });
    expect(stored.map((k: { sandbox: boolean }) => k.sandbox)).to.deep.equal([true]);
    const overflow = await page.evaluate<number>(
      'document.documentElement.scrollWidth - window.innerWidth',
    );
    expect(overflow, 'horizontal overflow at phone width').to.be.at.most(0);
    await page.screenshot({ path: screenshotPath('console-api-keys'), fullPage: true });

    // A delivery the key creates is a sandbox one, and the partner's list and detail say so.
    const made = await api().post('/api/v1/deliveries').set(bearer(secret)).send(deliveryBody());
    expect(made.status).to.equal(201);
    await page.getByRole('link', { name: 'My deliveries' }).click();
    const delivery = page.locator(`.card[data-delivery-id="${made.body.id}"]`);
    expect(await delivery.locator('.mode-badge').innerText()).to.equal('Sandbox');
    await delivery.getByRole('link').first().click();
    await page.locator('.detail .mode-badge[data-mode="sandbox"]').waitFor();

    await page.getByRole('link', { name: 'API keys' }).click();
    await card.getByRole('button', { name: 'Revoke' }).click();
    await card.getByText('Revoke Shop staging? Requests with it are refused at once').waitFor();
    await card.getByRole('button', { name: 'Keep it' }).click();
    expect((await stack().db('api_keys').where({ id: stored[0].id }).first()).revoked_at).to.equal(
      null,
    );
    await card.getByRole('button', { name: 'Revoke' }).click();
    await card.getByRole('button', { name: 'Yes, revoke it' }).click();
    const gone = page.locator(`.card[data-key-id="${stored[0].id}"][data-revoked="true"]`);
    await gone.waitFor();
    expect(await gone.innerText()).to.match(/· Revoked /);
    expect(await gone.getByRole('button').count()).to.equal(0);
    const revoked = await stack().db('api_keys').where({ id: stored[0].id }).first();
    expect(revoked.revoked_at).to.not.equal(null);
    const refused = await api().get('/api/v1/deliveries').set(bearer(secret));
    expect(refused.status).to.equal(401);
    await page.context().close();
  });

  it('when a partner pastes a CSV batch with a bad row, then its progress reaches 100% and the bad row’s problem is shown; a refused row is named and a JSON file goes the same way', async () => {
    const partner = await createUserWithToken({ role: 'partner' });
    const page = await signInToConsole(browser(), base(), partner);
    await page.getByRole('link', { name: 'Batches' }).click();
    await page.getByText('No batch yet.').waitFor();
    const good = `order-${randomUUID()}`;
    const bad = `order-${randomUUID()}`;
    const product = `Grinder ${randomUUID().slice(0, 8)}`;
    const csv = [
      'idempotency_key,product_name,delivery_address,delivery_date,dropoff_window_start,dropoff_window_end',
      `${good},${product},"1 Main St, Springfield",2030-01-01,,`,
      `${bad},Kettle,2 Side St,,2020-01-01T09:00:00Z,2020-01-01T11:00:00Z`,
    ].join('\n');
    await page.getByLabel('Or paste CSV or JSON').fill(csv);
    await page.getByRole('button', { name: 'Send batch' }).click();
    await page.getByText('Batch of 2 accepted.').waitFor();

    const card = page.locator('.card.batch');
    await page.locator('.card.batch[data-status="completed"]').waitFor({ timeout: 60_000 });
    expect(await card.getAttribute('data-percent')).to.equal('100');
    const bar = card.getByRole('progressbar');
    expect(await bar.getAttribute('value')).to.equal('2');
    expect(await bar.getAttribute('max')).to.equal('2');
    expect(await card.innerText()).to.contain(
      '2 of 2 tried (100%): 1 created, 0 replayed, 1 failed',
    );
    const problem = card.locator('.item-problems li');
    await problem.waitFor();
    expect(await problem.count()).to.equal(1);
    expect(await problem.innerText()).to.contain(`Delivery 2 (${bad})`);
    const stored = await stack().db('deliveries').where({ partner_id: partner.user.id });
    expect(stored.map((d: { product_name: string }) => d.product_name)).to.deep.equal([product]);
    await page.screenshot({ path: screenshotPath('console-batches'), fullPage: true });

    // A schema refusal names the row by its number and key, and sends nothing.
    await page
      .getByLabel('Or paste CSV or JSON')
      .fill(
        `idempotency_key,product_name,delivery_address,delivery_date\n${bad}-x,,3 Road,2030-01-01`,
      );
    await page.getByRole('button', { name: 'Send batch' }).click();
    await page.getByText(`Delivery 1 (${bad}-x) product_name`).waitFor();
    expect(await page.locator('.card.batch').count()).to.equal(1);

    // A JSON file, as the API takes it, goes the same way.
    const json = JSON.stringify({
      deliveries: [{ idempotency_key: `${good}-json`, ...deliveryBody() }],
    });
    await page.getByLabel('Or paste CSV or JSON').fill('');
    await page.getByLabel('CSV or JSON file').setInputFiles({
      name: 'orders.json',
      mimeType: 'application/json',
      buffer: Buffer.from(json),
    });
    await page.getByRole('button', { name: 'Send batch' }).click();
    await page.getByText('Batch of 1 accepted.').waitFor();
    await page.locator('.card.batch[data-status="completed"]').nth(1).waitFor({ timeout: 60_000 });
    expect(await page.locator('.card.batch').first().innerText()).to.contain(
      '1 of 1 tried (100%): 1 created',
    );
    await page.context().close();
  });

  it('when a partner has more batches than the page shows, then Show older batches shows them too', async () => {
    const partner = await createUserWithToken({ role: 'partner' });
    await stack()
      .db('delivery_batches')
      .insert(
        Array.from({ length: 21 }, (_, index) => ({
          id: randomUUID(),
          partner_id: partner.user.id,
          workflow_id: `batch-${randomUUID()}`,
          payload_hash: 'x',
          total: 1,
          created_at: new Date(Date.now() - index * 60_000),
          completed_at: new Date(),
        })),
      );
    const page = await signInToConsole(browser(), base(), partner);
    await page.getByRole('link', { name: 'Batches' }).click();
    await page.getByRole('button', { name: 'Show older batches' }).click();
    await waitFor(
      async () => ((await page.locator('.card.batch').count()) === 21 ? true : undefined),
      'the 21st batch',
    );
    expect(await page.getByRole('button', { name: 'Show older batches' }).count()).to.equal(0);
    await page.context().close();
  });

  it('when a webhook attempt is in the log and the partner presses Replay, then the receiver gets the same event id again, and a disabled endpoint is enabled from the page', async () => {
    const partner = await partnerWithEndpoint(receiver);
    const made = await api()
      .post('/api/v1/deliveries')
      .set(bearer(partner.token))
      .send(deliveryBody());
    expect(made.status).to.equal(201);
    const first = await waitFor(
      async () => receiver.received.find((r) => JSON.parse(r.body).type === 'delivery.created'),
      'the delivery.created webhook',
    );
    const eventId = JSON.parse(first.body).id as string;
    // The attempt is logged just after the answer came back.
    await waitFor(
      async () =>
        (await stack().db('webhook_attempts').where({ event_id: eventId }).first()) ?? undefined,
      'the attempt to be logged',
    );

    const page = await signInToConsole(browser(), base(), partner, PHONE);
    await page.getByRole('link', { name: 'Webhooks' }).click();
    await page.locator('[data-endpoint="enabled"]').waitFor();
    expect(await page.locator('.endpoint-url').innerText()).to.equal(receiver.url);
    const attempt = page.locator(`.attempt[data-event-id="${eventId}"]`);
    await attempt.waitFor();
    expect(await attempt.innerText()).to.contain('HTTP 200');
    await page.screenshot({ path: screenshotPath('console-webhooks'), fullPage: true });
    await attempt.getByRole('button', { name: /^Replay delivery\.created/ }).click();
    await page.getByText(`Replayed delivery.created ${eventId}: HTTP 200.`).waitFor();

    const sent = receiver.received.filter((r) => JSON.parse(r.body).id === eventId);
    expect(sent).to.have.length(2);
    expect(sent[1]!.body).to.equal(sent[0]!.body);
    await waitFor(
      async () =>
        (await page.locator(`.attempt[data-event-id="${eventId}"]`).count()) === 2
          ? true
          : undefined,
      'the replay in the log',
    );
    await page.getByLabel('Event type').selectOption('batch.completed');
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await page.getByText('No attempt matches.').waitFor();
    await page.getByLabel('Event type').selectOption('');
    await page.getByLabel('Event id').fill(eventId);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    await waitFor(
      async () => ((await page.locator('.attempt').count()) === 2 ? true : undefined),
      'only the event’s two attempts',
    );
    expect(await page.locator(`.attempt[data-event-id="${eventId}"]`).count()).to.equal(2);

    // An endpoint the platform disabled says so and offers to enable it again.
    await stack()
      .db('webhook_endpoints')
      .where({ partner_id: partner.user.id })
      .update({ disabled_at: new Date(), failing_since: new Date(Date.now() - 86_400_000) });
    await page.reload();
    await page.locator('[data-endpoint="disabled"]').waitFor();
    await page.getByText('after 24 hours of failures: events are logged, not sent').waitFor();
    await page.getByRole('button', { name: 'Enable endpoint' }).click();
    await page.getByText('Webhook endpoint enabled.').waitFor();
    await page.locator('[data-endpoint="enabled"]').waitFor();
    const endpoint = await stack()
      .db('webhook_endpoints')
      .where({ partner_id: partner.user.id })
      .first();
    expect(endpoint.disabled_at).to.equal(null);
    await page.context().close();
  });

  it('when a partner filters the list and presses Download CSV, then the file has the header row and only the matching delivery', async () => {
    const partner = await createUserWithToken({ role: 'partner' });
    const wanted = deliveryBody();
    for (const body of [wanted, deliveryBody()]) {
      const res = await api().post('/api/v1/deliveries').set(bearer(partner.token)).send(body);
      expect(res.status).to.equal(201);
    }
    const page = await signInToConsole(browser(), base(), partner);
    await page.locator('.cards .card').nth(1).waitFor();
    await page.getByLabel('Search').fill(wanted['product_name'] as string);
    await page.getByRole('button', { name: 'Apply filters' }).click();
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download CSV' }).click(),
    ]);
    expect(download.suggestedFilename()).to.match(/^deliveries-\d{4}-\d{2}-\d{2}\.csv$/);
    const text = await readFile((await download.path()) as string, 'utf8');
    const lines = text.trimEnd().split('\r\n');
    expect(lines[0]).to.match(/^id,status,product_name,delivery_address,delivery_date,/);
    expect(lines).to.have.length(2);
    expect(lines[1]).to.contain(`,CREATED,${wanted['product_name'] as string},`);
    await page.getByText(/^Downloaded deliveries-.*\.csv\.$/).waitFor();
    await page.context().close();
  });
});
