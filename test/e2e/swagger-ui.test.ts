import { expect } from 'chai';
import type { Locator, Page } from 'playwright-core';
import { browserSuite, screenshotPath } from '../support/browser';
import { stack } from '../support/stack';
import { createUser } from '../support/users';

/** The way a new partner would: sign in, authorize and create a delivery, all inside Swagger UI. */
describe('Swagger UI in a browser', function () {
  this.timeout(120_000);
  const { base, browser } = browserSuite();

  /** Expands an operation; "Try it out" is on from the start (tryItOutEnabled). */
  async function open(page: Page, tag: string, operationId: string): Promise<Locator> {
    const operation = page.locator(`#operations-${tag}-${operationId}`);
    await operation.locator('.opblock-summary').first().click();
    await operation.locator('.opblock-body').waitFor();
    return operation;
  }

  async function execute(operation: Locator): Promise<{ status: string; body: string }> {
    await operation.getByRole('button', { name: 'Execute' }).click();
    const live = operation.locator('.live-responses-table .response');
    await live.waitFor();
    return {
      status: (await live.locator('.response-col_status').innerText()).trim(),
      body: await live.locator('.response-col_description pre').first().innerText(),
    };
  }

  it('when a partner signs in, authorizes and creates a delivery with "Try it out", then 201 and the delivery is stored', async () => {
    const partner = await createUser({ role: 'partner' });
    const page = await (
      await browser().newContext({ viewport: { width: 1280, height: 900 } })
    ).newPage();
    const missing: string[] = [];
    page.on('response', (res) => {
      if (res.status() === 404) missing.push(res.url());
    });
    await page.goto(`${base()}/api/v1/docs`);

    const login = await open(page, 'auth', 'postApiV1AuthLogin');
    await login
      .locator('textarea.body-param__text')
      .fill(JSON.stringify({ email: partner.user.email, password: partner.password }));
    const session = await execute(login);
    expect(session.status).to.equal('200');
    const token = (JSON.parse(session.body) as { access_token: string }).access_token;

    await page.locator('.auth-wrapper .authorize').click();
    const dialog = page.locator('.dialog-ux .modal-ux');
    await dialog.waitFor();
    // The dialog says where each token comes from.
    expect(await dialog.innerText()).to.include('POST /api/v1/auth/login');
    const bearer = dialog.locator('form', { hasText: 'bearerAuth (http, Bearer)' });
    await bearer.locator('input').fill(token);
    await bearer.locator('button.authorize').click();
    await bearer.getByText('Authorized', { exact: true }).waitFor();
    await dialog.locator('button.btn-done').first().click();

    const create = await open(page, 'deliveries', 'postApiV1Deliveries');
    const text = await create.innerText();
    expect(text).to.include('Roles:');
    expect(text).to.include('x-roles');
    const example = JSON.parse(await create.locator('textarea.body-param__text').inputValue()) as {
      product_name: string;
      dropoff_window: { start: string; end: string };
    };
    // The example must stay acceptable: its window is in the future.
    expect(Date.parse(example.dropoff_window.start)).to.be.greaterThan(Date.now());
    const created = await execute(create);
    expect(created.status).to.equal('201');
    const delivery = JSON.parse(created.body) as { id: string; status: string };
    expect(delivery.status).to.equal('CREATED');
    const row = await stack().db('deliveries').where({ id: delivery.id }).first();
    expect(row.partner_id).to.equal(partner.user.id);
    expect(row.product_name).to.equal(example.product_name);
    await create.locator('.live-responses-table').scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('swagger-ui-create-delivery') });
    expect(missing, 'no asset of the page is missing (favicon included)').to.deep.equal([]);
  });
});
