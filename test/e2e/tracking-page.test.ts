import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import request from 'supertest';
import { browserSuite, screenshotPath } from '../support/browser';
import { deliveryBody } from '../support/deliveries';
import { stack } from '../support/stack';
import { bearer, createUserWithToken } from '../support/users';

const PHONE = { width: 390, height: 844 };
const api = () => request(stack().app.callback());

async function trackedDelivery() {
  const [partner, boss, admin] = await Promise.all([
    createUserWithToken({ role: 'partner' }),
    createUserWithToken({ role: 'super_admin' }),
    createUserWithToken({ role: 'admin', first_name: 'Ada' }),
  ]);
  const product = `Reading lamp ${randomUUID().slice(0, 8)}`;
  const created = await api()
    .post('/api/v1/deliveries')
    .set(bearer(partner.token))
    .send(deliveryBody({ product_name: product, recipient_phone: '+44 7700 900123' }));
  expect(created.status).to.equal(201);
  const id = created.body.id as string;
  const path = new URL(created.body.tracking_url as string).pathname;
  const change = async (what: string, token: string, body: object) => {
    const res = await api().post(`/api/v1/deliveries/${id}/${what}`).set(bearer(token)).send(body);
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
  };
  return { id, path, product, partner, boss, admin, change };
}

const steps = (page: Page) => page.locator('#timeline li .step-text').allTextContents();

/** The recipient's page in Debian's Chromium, at phone width, with and without JavaScript. */
describe('tracking page in a browser', function () {
  this.timeout(120_000);
  const { base, browser } = browserSuite();

  it('when JavaScript is off, then the page as served shows the status and the timeline and says to refresh', async () => {
    const { path, product, boss, admin, change } = await trackedDelivery();
    await change('assign', boss.token, { admin_id: admin.user.id });
    const context = await browser().newContext({ javaScriptEnabled: false, viewport: PHONE });
    const page = await context.newPage();
    const answer = await page.goto(base() + path);
    expect(answer?.status()).to.equal(200);
    expect(await page.getByRole('heading', { level: 1 }).textContent()).to.equal(product);
    expect(await page.locator('#status').textContent()).to.equal('Courier assigned');
    expect(await page.locator('#courier').textContent()).to.equal('Your courier is Ada.');
    expect(await steps(page)).to.deep.equal(['Order received', 'Courier assigned']);
    // Chromium shows it (see the screenshot), but Playwright's locators treat <noscript> content
    // as hidden: read it from the document.
    expect(await page.locator('noscript').innerHTML()).to.include(
      'This page does not update by itself: refresh it for the latest.',
    );
    expect(await page.locator('main').count()).to.equal(1);
    expect(await page.getByText('+44 7700 900123').count()).to.equal(0);
    await page.screenshot({ path: screenshotPath('tracking-no-javascript'), fullPage: true });
    await context.close();
  });

  it('when an admin moves the delivery, then the open page follows it live without a reload', async () => {
    const { path, id, boss, admin, change } = await trackedDelivery();
    const context = await browser().newContext({ viewport: PHONE });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    await page.goto(base() + path);
    await page.getByText('Updates appear here as they happen.').waitFor();
    expect(await page.locator('#status').textContent()).to.equal('Order received');
    expect(await page.locator('#courier').isHidden()).to.equal(true);
    // Evaluated in the page (strings: this file is not compiled with the DOM library).
    await page.evaluate('window.sameDocument = true');

    await change('assign', boss.token, { admin_id: admin.user.id });
    await page.locator('#status', { hasText: 'Courier assigned' }).waitFor();
    await page.getByText('Your courier is Ada.').waitFor();
    await change('status', admin.token, { status: 'IN_TRANSIT' });
    await page.locator('#status', { hasText: 'On its way' }).waitFor();
    expect(await steps(page)).to.deep.equal(['Order received', 'Courier assigned', 'On its way']);
    await change('status', admin.token, { status: 'FAILED', failure_reason: 'refused' });
    await page
      .locator('#status[data-status="FAILED"]', { hasText: 'Could not be delivered' })
      .waitFor();
    await page.getByText('The parcel was refused at the door.').waitFor();
    expect(await page.evaluate<boolean>('window.sameDocument === true')).to.equal(true);

    const overflow = await page.evaluate<number>(
      'document.documentElement.scrollWidth - window.innerWidth',
    );
    expect(overflow, 'horizontal overflow at phone width').to.be.at.most(0);
    await page.screenshot({ path: screenshotPath('tracking-live'), fullPage: true });
    expect(problems, 'console errors (a CSP violation would show here)').to.deep.equal([]);

    // A final status needs no connection: the page lets it go.
    await page.getByText('Updates appear here as they happen.').waitFor({ state: 'hidden' });
    const hub = stack().deps.trackingHub;
    for (let i = 0; hub.subscriberCount(id) > 0 && i < 50; i++) await page.waitForTimeout(100);
    expect(hub.subscriberCount(id)).to.equal(0);
    await context.close();
  });

  it('when the link is replaced while the page is open, then the page stops updating and says so', async () => {
    const { path, id, partner } = await trackedDelivery();
    const context = await browser().newContext({ viewport: PHONE });
    const page = await context.newPage();
    await page.goto(base() + path);
    await page.getByText('Updates appear here as they happen.').waitFor();
    const res = await api()
      .post(`/api/v1/deliveries/${id}/tracking-link`)
      .set(bearer(partner.token));
    expect(res.status).to.equal(200);
    await page.getByText('Live updates stopped: refresh the page.').waitFor({ timeout: 15_000 });
    expect((await page.reload())?.status()).to.equal(404);
    await page.getByRole('heading', { name: 'This tracking link does not work' }).waitFor();
    await context.close();
  });
});
