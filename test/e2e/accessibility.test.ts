/**
 * axe-core over every page a person opens: the console's sign-in and each role's pages (lists,
 * a delivery, the forms, the notification panel), the account pages the emails link to, and the
 * public tracking page; at desktop and phone widths. No moderate, serious or critical finding anywhere.
 */
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import request from 'supertest';
import { severeFindings } from '../support/axe';
import { browserSuite } from '../support/browser';
import { deliveryBody, deliveryThrough } from '../support/deliveries';
import { stack } from '../support/stack';
import { bearer, createUserWithToken, type TestUser } from '../support/users';
import { waitFor } from '../support/wait-for';
import { WebhookReceiver } from '../support/webhook-receiver';
import { partnerWithEndpoint } from '../support/webhooks';

const DESKTOP = { width: 1280, height: 860 };
const PHONE = { width: 390, height: 844 };

describe('accessibility of every page (axe-core)', function () {
  this.timeout(180_000);
  const { base, browser } = browserSuite();

  async function open(url: string, viewport = DESKTOP): Promise<Page> {
    const context = await browser().newContext({ viewport, bypassCSP: true });
    const page = await context.newPage();
    await page.goto(url);
    return page;
  }

  async function signIn(who: TestUser, viewport = DESKTOP): Promise<Page> {
    const page = await open(`${base()}/console`, viewport);
    await page.getByLabel('Email').fill(who.user.email);
    await page.getByLabel('Password').fill(who.password);
    await page.getByLabel('Password').press('Enter');
    await page.locator('.live-status[data-state="live"]').waitFor();
    return page;
  }

  /** Checks the page as it is now; `where` names it in the failure. */
  async function expectAccessible(page: Page, where: string): Promise<void> {
    const findings = await severeFindings(page);
    expect(findings, `${where}: ${JSON.stringify(findings, null, 1)}`).to.deep.equal([]);
  }

  /** WCAG 1.4.10 (reflow): nothing wider than the viewport, so no sideways scrolling. */
  async function expectNoOverflow(page: Page, where: string): Promise<void> {
    const overflow = await page.evaluate<number>(
      'document.documentElement.scrollWidth - window.innerWidth',
    );
    expect(overflow, `${where}: horizontal overflow`).to.be.at.most(0);
  }

  async function expectAccessibleAndReflowing(page: Page, where: string): Promise<void> {
    await expectAccessible(page, where);
    await expectNoOverflow(page, where);
  }

  async function visit(page: Page, hash: string, ready: string, where: string) {
    await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
    await page.getByRole('heading', { name: ready }).first().waitFor();
    await expectAccessible(page, where);
  }

  it('when the console is signed out, then sign-in is accessible at both widths', async () => {
    for (const viewport of [DESKTOP, PHONE]) {
      const page = await open(`${base()}/console`, viewport);
      await page.getByLabel('Email').waitFor();
      await expectAccessible(page, `sign-in at ${viewport.width} px`);
    }
  });

  it('when each role opens each of its pages, a delivery, its forms and the notifications, then each is accessible', async () => {
    const body = deliveryBody();
    const product = body['product_name'] as string;
    const delivery = await deliveryThrough('IN_TRANSIT', body);
    const { id } = delivery;
    // The super admin's queue is not empty, and shows two deliveries of one product: their assign
    // forms are still two landmarks told apart (axe's moderate landmark-unique).
    const twin = { product_name: deliveryBody()['product_name'] };
    await deliveryThrough('CREATED', deliveryBody(twin));
    await deliveryThrough('CREATED', deliveryBody(twin));

    for (const viewport of [DESKTOP, PHONE]) {
      const width = `${viewport.width} px`;
      const partner = await signIn(delivery.partner, viewport);
      await visit(partner, '#/', 'My deliveries', `partner home at ${width}`);
      await partner.getByRole('button', { name: 'Create delivery' }).click();
      await expectAccessible(partner, `partner create form with its errors at ${width}`);
      await visit(partner, `#/deliveries/${id}`, product, `partner delivery at ${width}`);
      await partner.locator('.bell').click();
      await partner.locator('#notifications .notification').first().waitFor();
      await expectAccessible(partner, `partner notifications at ${width}`);

      const admin = await signIn(delivery.admin, viewport);
      await visit(admin, '#/', 'My assigned deliveries', `admin list at ${width}`);
      await visit(admin, '#/offers', 'Offers', `admin offers at ${width}`);
      await visit(admin, `#/deliveries/${id}`, product, `admin delivery at ${width}`);
      // The outcome forms are on the page; a failure without its reason shows the form's errors.
      await admin.getByRole('button', { name: 'Mark failed' }).first().click();
      await admin.locator('[aria-invalid="true"]').first().waitFor();
      await expectAccessible(admin, `admin outcome forms, with errors, at ${width}`);

      const boss = await signIn(delivery.boss, viewport);
      await visit(
        boss,
        '#/',
        'Unassigned deliveries',
        `super admin queue and its assign forms at ${width}`,
      );
      await visit(boss, '#/deliveries', 'All deliveries', `super admin deliveries at ${width}`);
      await boss.evaluate(`location.hash = '#/overview'`);
      await boss.locator('.status-counts').waitFor();
      await boss.locator('.delivery-table tbody tr').first().waitFor();
      await expectAccessible(boss, `super admin overview, its charts and table at ${width}`);
      await visit(boss, '#/users', 'Users', `super admin users at ${width}`);
      await visit(
        boss,
        '#/returned',
        'Deliveries auto-dispatch handed back',
        `super admin returned queue at ${width}`,
      );
      await visit(boss, '#/dispatch', 'Dispatch mode', `super admin dispatch at ${width}`);
      await visit(boss, `#/deliveries/${id}`, product, `super admin delivery at ${width}`);
      await boss.context().close();
      await admin.context().close();
      await partner.context().close();
    }
  });

  it('when a partner opens its integration pages (keys, batches, the webhook log), with content and errors, then each is accessible', async () => {
    const receiver = await new WebhookReceiver().start();
    try {
      const partner = await partnerWithEndpoint(receiver);
      const app = request(stack().app.callback());
      const key = await app
        .post('/api/v1/api-keys')
        .set(bearer(partner.token))
        .send({ name: 'Sandbox key', sandbox: true });
      expect(key.status).to.equal(201);
      const sandbox = await app
        .post('/api/v1/deliveries')
        .set(bearer(key.body.key as string))
        .send(deliveryBody());
      expect(sandbox.status).to.equal(201);
      const past = { start: '2020-01-01T09:00:00Z', end: '2020-01-01T11:00:00Z' };
      const batch = await app
        .post('/api/v1/deliveries/batches')
        .set(bearer(partner.token))
        .send({
          deliveries: [
            { idempotency_key: `a-${sandbox.body.id}`, ...deliveryBody() },
            {
              idempotency_key: `b-${sandbox.body.id}`,
              ...deliveryBody(),
              delivery_date: undefined,
              dropoff_window: past,
            },
          ],
        });
      expect(batch.status).to.equal(202);
      await waitFor(
        async () => (receiver.received.length > 0 ? true : undefined),
        'a webhook attempt',
      );

      for (const viewport of [DESKTOP, PHONE]) {
        const width = `${viewport.width} px`;
        const page = await signIn(partner, viewport);
        await page.locator(`[data-delivery-id="${sandbox.body.id}"] .mode-badge`).waitFor();
        await page.getByRole('button', { name: 'Download CSV' }).waitFor();
        await expectAccessibleAndReflowing(
          page,
          `partner home with a sandbox delivery at ${width}`,
        );
        await visit(
          page,
          `#/deliveries/${sandbox.body.id}`,
          sandbox.body.product_name,
          `partner sandbox delivery at ${width}`,
        );

        await page.evaluate(`location.hash = '#/api-keys'`);
        await page.locator('.card[data-key-id]').first().waitFor();
        // The API's key has this name too: two revoke forms, which must still be named apart.
        await page.getByLabel('Name', { exact: true }).fill('Sandbox key');
        await page.getByRole('button', { name: 'Create key' }).click();
        await page.locator('.shown-once').waitFor();
        await page.getByRole('button', { name: 'Revoke' }).first().click();
        await page.getByRole('button', { name: 'Yes, revoke it' }).waitFor();
        await expectAccessibleAndReflowing(
          page,
          `partner API keys, a secret shown once and a revoke question at ${width}`,
        );

        await page.evaluate(`location.hash = '#/batches'`);
        await page.locator('.item-problems li').waitFor({ timeout: 60_000 });
        await page.getByText('Columns and an example').click();
        await page.getByRole('button', { name: 'Send batch' }).click();
        await page.locator('form .form-error').waitFor();
        await expectAccessibleAndReflowing(
          page,
          `partner batches, with problems and a form error, at ${width}`,
        );

        await page.evaluate(`location.hash = '#/webhooks'`);
        await page.locator('.attempt').first().waitFor();
        await page.locator('[data-endpoint="enabled"]').waitFor();
        await expectAccessibleAndReflowing(page, `partner webhook log at ${width}`);
        await page.context().close();
      }
    } finally {
      await receiver.stop();
    }
  });

  it('when the account pages the emails link to are opened, then each is accessible', async () => {
    for (const path of ['/account/verify-email?token=x', '/account/reset-password?token=x']) {
      for (const viewport of [DESKTOP, PHONE]) {
        const page = await open(`${base()}${path}`, viewport);
        await page.locator('main, form').first().waitFor();
        await expectAccessible(page, `${path} at ${viewport.width} px`);
      }
    }
  });

  it('when a recipient opens the tracking page, then it is accessible', async () => {
    const partner = await createUserWithToken({ role: 'partner' });
    const created = await request(stack().app.callback())
      .post('/api/v1/deliveries')
      .set(bearer(partner.token))
      .send({
        product_name: 'Lamp',
        delivery_address: '1 Main St, Springfield',
        delivery_date: '2030-01-01',
      });
    expect(created.status).to.equal(201);
    const path = new URL(created.body.tracking_url as string).pathname;
    for (const viewport of [DESKTOP, PHONE]) {
      const page = await open(`${base()}${path}`, viewport);
      await page.locator('main').waitFor();
      await expectAccessible(page, `tracking page at ${viewport.width} px`);
    }
  });
});
