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
