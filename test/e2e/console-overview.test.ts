import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import request from 'supertest';
import { createApp } from '../../src/api/app';
import { insertNotifications } from '../../src/db/repositories/notifications';
import { DELIVERY_STATUSES } from '../../src/domain/delivery-status';
import { browserSuite, screenshotPath } from '../support/browser';
import { createdDeliveryId } from '../support/deliveries';
import { stack } from '../support/stack';
import { bearer, createUser, createUserWithToken, type TestUser } from '../support/users';
import { waitFor } from '../support/wait-for';

const TEMPORAL_UI = 'http://temporal-ui.test:8233';

/** The super admin's Overview tab in Chromium, on an app whose TEMPORAL_UI_URL is set. */
describe('console overview in a browser', function () {
  this.timeout(120_000);
  const { base, browser } = browserSuite(() => {
    const { deps, config } = stack();
    return createApp({ ...deps, config: { ...config, TEMPORAL_UI_URL: TEMPORAL_UI } }).callback();
  });
  let boss: TestUser & { token: string };
  const tag = randomUUID().slice(0, 8);
  const products = [`Mango crate ${tag}`, `Apricot box ${tag}`, `Zucchini sack ${tag}`];
  const ids: string[] = [];

  before(async () => {
    boss = await createUserWithToken({ role: 'super_admin' });
    const partner = await createUserWithToken({ role: 'partner' });
    // More than a page of 20, the newest three ours.
    for (let i = 0; i < 21; i++) await createdDeliveryId(partner);
    for (const product_name of products)
      ids.push(await createdDeliveryId(partner, { product_name }));
  });

  /** Signed in as the super admin, who lands on the Overview: no click. */
  async function signedIn(viewport = { width: 1280, height: 860 }): Promise<Page> {
    const page = await (await browser().newContext({ viewport })).newPage();
    await page.goto(`${base()}/console`);
    await page.getByLabel('Email').fill(boss.user.email);
    await page.getByLabel('Password').fill(boss.password);
    await page.getByLabel('Password').press('Enter');
    await page.locator('.status-counts').waitFor();
    return page;
  }

  async function overview(): Promise<Page> {
    const page = await signedIn();
    await page.locator(`tr[data-delivery-id="${ids[2]}"]`).waitFor();
    return page;
  }

  const productOrder = (page: Page) =>
    page
      .locator('tbody td[data-column="product"]')
      .evaluateAll((cells) => cells.map((cell) => cell.textContent ?? ''));

  it('when a super admin opens the Overview, then it shows the counts per status the API gives, the charts and every active admin', async () => {
    const admin = await createUser({ role: 'admin', first_name: 'Olga', last_name: `Load${tag}` });
    const page = await overview();
    const stats = (
      await request(stack().app.callback()).get('/api/v1/deliveries/stats').set(bearer(boss.token))
    ).body;
    for (const status of DELIVERY_STATUSES) {
      const shown = await page
        .locator(`.status-counts [data-key="${status}"] dd`)
        .getAttribute('data-count');
      expect(Number(shown), status).to.equal(stats.by_status[status]);
    }
    const createdToday = page.locator('.today-counts [data-key="created"] dd');
    expect(Number(await createdToday.getAttribute('data-count'))).to.equal(stats.created_today);
    expect(await page.locator('svg.stacked-bars g.bar').count()).to.equal(30);
    await page.getByRole('img', { name: /On-time rate/ }).waitFor();
    await page.getByRole('img', { name: /Deliveries finished per day/ }).waitFor();
    await page.locator('.medians dt', { hasText: 'Created to assigned' }).waitFor();
    await page
      .locator(`tr[data-admin-id="${admin.user.id}"]`)
      .getByText(`Olga Load${tag}`)
      .waitFor();
    await page.screenshot({ path: screenshotPath('console-overview'), fullPage: true });
    await page.context().close();
  });

  it('when a super admin signs in, then they land on the Overview: Find by id first, the counts, the chart, and the oldest unassigned delivery with its assign form', async () => {
    const partner = await createUserWithToken({ role: 'partner' });
    const product = `Oldest parcel ${tag}`;
    const oldest = await createdDeliveryId(partner, { product_name: product });
    // Older than anything another test makes: the delivery that has waited longest.
    await stack()
      .db('deliveries')
      .where({ id: oldest })
      .update({ created_at: new Date('1971-01-01T00:00:00Z') });
    await createUser({ role: 'admin', first_name: 'Lena', last_name: `Least${tag}` });
    for (const viewport of [
      { width: 1280, height: 860 },
      { width: 390, height: 844 },
    ]) {
      const page = await signedIn(viewport);
      expect(await page.locator('nav [aria-current="page"]').textContent()).to.equal('Overview');
      // The focus is in Find by id: a pasted id needs no click first.
      expect(await page.evaluate("document.activeElement?.getAttribute('name')")).to.equal('id');
      expect(
        await page.evaluate("document.activeElement?.closest('form')?.getAttribute('aria-label')"),
      ).to.equal('Find a delivery by id');
      await page.getByRole('img', { name: /Deliveries finished per day/ }).waitFor();
      await page.locator('.today-counts [data-key="created"]').waitFor();
      const card = page.locator(`.oldest-unassigned [data-delivery-id="${oldest}"]`);
      await card.getByRole('button', { name: 'Assign' }).waitFor();
      // The admin picker shows each admin's load, the least loaded first.
      const loads = (await card.getByLabel('Admin').locator('option').allTextContents()).map(
        (label) => Number(/ — (\d+) open \(/.exec(label)?.[1]),
      );
      expect(loads).to.deep.equal([...loads].sort((a, b) => a - b));
      await page.context().close();
    }

    const page = await signedIn();
    const card = page.locator(`.oldest-unassigned [data-delivery-id="${oldest}"]`);
    const pick = await card.getByLabel('Admin').inputValue();
    await card.getByRole('button', { name: 'Assign' }).click();
    await page
      .getByRole('status')
      .getByText(`${product} (${oldest.slice(0, 8)}) assigned to`)
      .waitFor();
    await card.waitFor({ state: 'detached' });
    const row = await stack().db('deliveries').where({ id: oldest }).first();
    expect(row.assigned_to).to.equal(pick);
    await page.context().close();
  });

  it('when a column header is clicked, then the page sorts by it, and again the other way', async () => {
    const page = await overview();
    const sortBy = page.getByRole('button', { name: 'Product' });
    await sortBy.click();
    const ascending = await productOrder(page);
    expect(ascending).to.deep.equal(
      [...ascending].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase())),
    );
    expect(await page.locator('th[aria-sort="ascending"]').textContent()).to.equal('Product');
    const ours = (order: string[]) => order.filter((name) => name.endsWith(tag));
    expect(ours(ascending)).to.deep.equal([products[1], products[0], products[2]]);
    await sortBy.click();
    expect(ours(await productOrder(page))).to.deep.equal([products[2], products[0], products[1]]);
    await page.context().close();
  });

  it('when a row is read, then it has its id with a copy button and its workflow link, and the pages move by the size chosen', async () => {
    const page = await overview();
    const row = page.locator(`tr[data-delivery-id="${ids[0]}"]`);
    expect(await row.locator('code.delivery-id').textContent()).to.equal(ids[0]);
    await row.getByRole('button', { name: `Copy id ${ids[0]}` }).waitFor();
    const href = await row
      .getByRole('link', { name: `Workflow of ${ids[0]}` })
      .getAttribute('href');
    expect(href).to.equal(
      `${TEMPORAL_UI}/namespaces/${stack().config.TEMPORAL_NAMESPACE}/workflows?query=${encodeURIComponent(`DeliveryId='${ids[0]}'`)}`,
    );
    expect(await page.locator('.delivery-table tbody tr').count()).to.equal(20);
    await page.getByRole('button', { name: 'Next page' }).click();
    await page.getByText('Page 2').waitFor();
    expect(await page.locator(`tr[data-delivery-id="${ids[2]}"]`).count()).to.equal(0);
    await page.getByLabel('Rows per page').selectOption('50');
    await page.getByText('Page 1').waitFor();
    await page.waitForFunction("document.querySelectorAll('.delivery-table tbody tr').length > 20");
    await page.context().close();
  });

  it('when a notification arrives while the next page loads, then the table still lands on the next page', async () => {
    const page = await overview();
    // The table's page reads (not the Overview's own read of the oldest unassigned), the next
    // page's held until the notification's refresh has been asked for.
    const tableReads: URL[] = [];
    let release = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route(
      (url) => url.pathname === '/api/v1/deliveries' && !url.searchParams.has('order'),
      async (route) => {
        const url = new URL(route.request().url());
        tableReads.push(url);
        if (url.searchParams.has('cursor')) await held;
        await route.continue();
      },
    );
    // The landing re-reads the first page once its stream connects: wait for that to finish, so
    // the reads from the click on are the click's and the notification's.
    await page.waitForLoadState('networkidle');
    const atClick = tableReads.length;
    await page.getByRole('button', { name: 'Next page' }).click();
    const hasCursor = (url: URL) => url.searchParams.has('cursor');
    await waitFor(
      async () => (tableReads.slice(atClick).some(hasCursor) ? true : undefined),
      'the next page asked',
    );
    const atNotice = tableReads.length;
    await insertNotifications(stack().db, [
      {
        user_id: boss.user.id,
        type: 'delivery.returned_to_queue',
        title: 'Back in the queue',
        message: `A delivery came back ${tag}`,
        delivery_id: ids[0]!,
        event_key: `overview-refresh-${randomUUID()}`,
      },
    ]);
    await waitFor(
      async () => (tableReads.length > atNotice ? true : undefined),
      'the refresh the notification asks for',
    );
    release();
    await page.getByText('Page 2').waitFor();
    expect(await page.locator(`tr[data-delivery-id="${ids[2]}"]`).count()).to.equal(0);
    await page.context().close();
  });

  it('when an id is pasted into Find by id, then that delivery opens; when it is not an id, then the field says so', async () => {
    const page = await overview();
    await page.getByLabel('Find by id').fill('not-an-id');
    await page.getByLabel('Find by id').press('Enter');
    await page.getByText('Find by id must be a delivery id').waitFor();
    await page.getByLabel('Find by id').fill(` ${ids[1]!.toUpperCase()} `);
    await page.getByLabel('Find by id').press('Enter');
    await page.getByRole('heading', { name: products[1] }).waitFor();
    expect(new URL(page.url()).hash).to.equal(`#/deliveries/${ids[1]}`);
    // The start of its id (the console's short name for it) opens it too.
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.getByLabel('Find by id').fill(ids[2]!.slice(0, 8).toUpperCase());
    await page.getByLabel('Find by id').press('Enter');
    await page.getByRole('heading', { name: products[2] }).waitFor();
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.getByLabel('Find by id').fill('00000000');
    await page.getByLabel('Find by id').press('Enter');
    await page.getByText('No delivery you can see has an id starting with 00000000.').waitFor();
    // A console link to the delivery (an email's) opens it too.
    await page.getByRole('link', { name: 'Overview' }).click();
    await page.getByLabel('Find by id').fill(`${base()}/console#/deliveries/${ids[0]}`);
    await page.getByLabel('Find by id').press('Enter');
    await page.getByRole('heading', { name: products[0] }).waitFor();
    await page.context().close();
  });
});
