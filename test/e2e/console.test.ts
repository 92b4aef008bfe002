import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import request from 'supertest';
import { AccessTokens } from '../../src/accounts/access-tokens';
import { createApp } from '../../src/api/app';
import { browserSuite, screenshotPath, signInToConsole } from '../support/browser';
import { stack } from '../support/stack';
import { deliveryBody, deliveryThrough } from '../support/deliveries';
import { bearer, createUser, tokenFor, type TestUser } from '../support/users';
import { waitFor } from '../support/wait-for';

const STREAM = '/api/v1/notifications/stream?';
// Short-lived access tokens, so the console must refresh several times during the scenario.
const ACCESS_TOKEN_SECONDS = 10;
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 860 };

/**
 * The console against the real stack in Debian's Chromium. The server in front of the app can
 * cut the open notification streams and refuse new ones for a while, which is how a dropped
 * connection is made to happen while a change is being recorded.
 */
describe('dispatch console in a browser', function () {
  this.timeout(120_000);
  let streamsRefused = false;
  let refreshes = 0;
  const streams = new Set<ServerResponse>();

  const { base, browser } = browserSuite(() => {
    const { deps, config } = stack();
    const tokens = new AccessTokens(config.JWT_SECRET, ACCESS_TOKEN_SECONDS);
    const handle = createApp({ ...deps, tokens }).callback();
    return (req, res) => {
      if (req.url === '/api/v1/auth/refresh') refreshes += 1;
      if (req.url?.startsWith(STREAM)) {
        if (streamsRefused) return void res.writeHead(503).end();
        streams.add(res);
        res.once('close', () => streams.delete(res));
      }
      void handle(req, res);
    };
  });

  async function signIn(who: TestUser, viewport = DESKTOP): Promise<Page> {
    return signInToConsole(browser(), base(), who, viewport);
  }

  const unread = (page: Page) => page.locator('.bell .badge').getAttribute('data-count');
  const adminButtons = (page: Page) =>
    page.getByRole('button', {
      name: /^(Assign|Reassign|Mark in transit|Mark completed|Mark failed)$/,
    });

  it('when a partner, a super admin and an admin take a delivery to COMPLETED, then each sees it and the partner page follows live', async () => {
    const [partner, otherPartner, superAdmin, admin] = await Promise.all([
      createUser({ role: 'partner', first_name: 'Paula', last_name: 'Partner' }),
      createUser({ role: 'partner' }),
      createUser({ role: 'super_admin', first_name: 'Sam', last_name: 'Super' }),
      createUser({
        role: 'admin',
        first_name: 'Ada',
        last_name: `Admin ${randomUUID().slice(0, 4)}`,
      }),
    ]);
    const others = await request(stack().app.callback())
      .post('/api/v1/deliveries')
      .set(bearer(await tokenFor(otherPartner.user)))
      .send(deliveryBody());
    expect(others.status).to.equal(201);

    // Partner, at phone width: the API's validation messages appear next to their fields.
    const partnerPage = await signIn(partner, PHONE);
    await partnerPage.getByRole('button', { name: 'Create delivery' }).click();
    await partnerPage.getByText('Product must not be blank').waitFor();
    await partnerPage.getByText('Delivery date must be a date like 2030-01-31').waitFor();

    const product = `Espresso machine ${randomUUID().slice(0, 8)}`;
    await partnerPage.getByLabel('Product').fill(product);
    await partnerPage.getByLabel('Delivery address').fill('1 Main St, Springfield');
    await partnerPage.getByLabel('Delivery date').fill('2030-01-01');
    await partnerPage.getByLabel('Recipient name (optional)').fill('Rita Recipient');
    await partnerPage.getByRole('button', { name: 'Create delivery' }).dblclick();
    const card = partnerPage.locator('.card', { hasText: product });
    await card.waitFor();
    const deliveryId = (await card.getAttribute('data-delivery-id')) as string;
    const rows = await stack().db('deliveries').where({ partner_id: partner.user.id });
    expect(rows.map((r: { id: string }) => r.id)).to.deep.equal([deliveryId]);

    // Role boundaries: no admin action, no other partner's delivery, even by its address.
    expect(await adminButtons(partnerPage).count()).to.equal(0);
    expect(await partnerPage.getByText(others.body.product_name).count()).to.equal(0);
    // Evaluated in the page (a string: this file is not compiled with the DOM library).
    const overflow = await partnerPage.evaluate<number>(
      'document.documentElement.scrollWidth - window.innerWidth',
    );
    expect(overflow, 'horizontal overflow at phone width').to.be.at.most(0);
    await partnerPage.screenshot({ path: screenshotPath('console-partner'), fullPage: true });
    await partnerPage.goto(`${base()}/console#/deliveries/${others.body.id}`);
    await partnerPage.getByText('No such delivery, or it is not yours to see.').waitFor();
    await partnerPage.goto(`${base()}/console#/deliveries/${deliveryId}`);
    const status = partnerPage.locator('.detail [data-status]');
    await status.waitFor();
    expect(await status.getAttribute('data-status')).to.equal('CREATED');
    expect(await partnerPage.getByRole('button', { name: 'Cancel delivery' }).count()).to.equal(1);

    // Admin, waiting on an empty page; super admin assigns from the queue, choosing by workload.
    const adminPage = await signIn(admin);
    await adminPage.getByText('Nothing is assigned to you.').waitFor();
    const superPage = await signIn(superAdmin);
    await superPage
      .getByRole('navigation', { name: 'Pages' })
      .getByRole('link', { name: 'Unassigned queue' })
      .click();
    await superPage.getByRole('heading', { name: 'Unassigned deliveries, oldest first' }).waitFor();
    await superPage.getByLabel('Search').fill(product);
    await superPage.getByRole('button', { name: 'Apply filters' }).click();
    const queued = superPage.locator(`[data-delivery-id="${deliveryId}"]`);
    const choice = queued.getByLabel('Admin').locator(`option[value="${admin.user.id}"]`);
    expect(await choice.textContent()).to.match(/^Ada Admin \S+ — 0 open \(.+\)$/);
    await queued.getByLabel('Admin').selectOption(admin.user.id);
    await superPage.screenshot({ path: screenshotPath('console-super-admin'), fullPage: true });
    await queued.getByRole('button', { name: 'Assign' }).click();
    await superPage.getByText('The queue is empty.').waitFor();
    await superPage
      .getByRole('status')
      .getByText(
        `${product} (${deliveryId.slice(0, 8)}) assigned to ${admin.user.first_name} ${admin.user.last_name}.`,
      )
      .waitFor();

    await partnerPage.locator('.detail [data-status="ASSIGNED"]').waitFor();
    await waitFor(
      async () => ((await unread(partnerPage)) === '1' ? true : undefined),
      'one unread',
    );
    const assigned = adminPage.locator(`[data-delivery-id="${deliveryId}"]`);
    await assigned.waitFor();

    // The partner's stream drops and stays refused while the admin moves the delivery on.
    streamsRefused = true;
    for (const response of streams) response.destroy();
    await partnerPage.locator('.live-status[data-state="down"]').waitFor();
    await assigned.getByRole('button', { name: 'Mark in transit' }).click();
    await assigned.locator('[data-status="IN_TRANSIT"]').waitFor();
    streamsRefused = false;
    await partnerPage.locator('.detail [data-status="IN_TRANSIT"]').waitFor();
    await partnerPage.locator('.live-status[data-state="live"]').waitFor();

    const moving = adminPage.locator(`[data-delivery-id="${deliveryId}"]`);
    await moving.getByLabel('Failure reason').waitFor();
    await adminPage.screenshot({ path: screenshotPath('console-admin'), fullPage: true });
    await moving.getByRole('button', { name: 'Mark completed' }).dblclick();
    await partnerPage.locator('.detail [data-status="COMPLETED"]').waitFor();
    await waitFor(async () => ((await unread(partnerPage)) === '3' ? true : undefined), '3 unread');

    // Each change once on the timeline and once in the notifications, none lost to the drop.
    const events = await stack().db('delivery_events').where({ delivery_id: deliveryId });
    expect(events).to.have.length(4);
    expect(await partnerPage.locator('.timeline li').count()).to.equal(4);
    // Who did what, in words: the partner reads names, and its own step as "you".
    const adminName = `${admin.user.first_name} ${admin.user.last_name}`;
    const steps = (await partnerPage.locator('.timeline li span').allInnerTexts()).map((t) =>
      t.trim(),
    );
    expect(steps).to.deep.equal([
      'Created by you',
      `Assigned to ${adminName} by Sam Super`,
      `Marked in transit by ${adminName}`,
      `Delivered by ${adminName}`,
    ]);
    await partnerPage.getByRole('button', { name: /^Notifications/ }).click();
    const items = partnerPage.locator('.notification');
    expect(await items.count()).to.equal(3);
    expect(await adminButtons(partnerPage).count()).to.equal(0);
    await partnerPage.screenshot({
      path: screenshotPath('console-partner-detail'),
      fullPage: true,
    });
    await items
      .getByRole('button', { name: /^Mark as read: / })
      .first()
      .click();
    await waitFor(async () => ((await unread(partnerPage)) === '2' ? true : undefined), '2 unread');
    const stored = await stack()
      .db('notifications')
      .where({ user_id: partner.user.id })
      .whereNull('read_at');
    expect(stored).to.have.length(2);

    // The tokens lived ten seconds: the console refreshed them and every call still worked.
    await waitFor(async () => (refreshes > 0 ? true : undefined), 'an access-token refresh');
    await partnerPage.getByRole('button', { name: 'Sign out' }).click();
    await partnerPage.getByText('You are signed out.').waitFor();
    // The page says so at once; the revocation it sent may still be on its way.
    await waitFor(async () => {
      const live = await stack()
        .db('refresh_tokens')
        .where({ user_id: partner.user.id })
        .whereNull('revoked_at');
      return live.length === 0 ? true : undefined;
    }, 'every refresh token of the partner to be revoked');
  });

  it('when a partner presses Cancel delivery, then the console asks first: Keep it leaves the delivery alone, Yes, cancel it cancels it once', async () => {
    const { id, partner } = await deliveryThrough('CREATED');
    const page = await signIn(partner);
    await page.goto(`${base()}/console#/deliveries/${id}`);
    const status = page.locator('.detail [data-status]');
    await status.waitFor();
    const stored = async () => (await stack().db('deliveries').where({ id }).first()).status;

    await page.getByRole('button', { name: 'Cancel delivery' }).click();
    await page.getByText('Cancel this delivery? It cannot be undone').waitFor();
    await page.getByRole('button', { name: 'Keep it' }).click();
    await page.getByRole('button', { name: 'Cancel delivery' }).waitFor();
    expect(await page.getByText('Cancel this delivery?').isVisible()).to.equal(false);
    expect(await stored()).to.equal('CREATED');

    await page.getByRole('button', { name: 'Cancel delivery' }).click();
    await page.getByRole('button', { name: 'Yes, cancel it' }).click();
    await page.locator('.detail [data-status="CANCELLED"]').waitFor();
    expect(await stored()).to.equal('CANCELLED');
    const events = await stack()
      .db('delivery_events')
      .where({ delivery_id: id, type: 'cancelled' });
    expect(events).to.have.length(1);
    await page.context().close();
  });

  it('when an operator terminated an open delivery in Temporal, then a super admin finds it under Needs attention with what happened and who can fix it, and its admin sees no flag', async () => {
    const { id, workflowId, boss, admin } = await deliveryThrough('ASSIGNED');
    await stack().client.workflow.getHandle(workflowId).terminate('courier app hung');
    await waitFor(
      async () => (await stack().db('deliveries').where({ id }).first()).attention ?? undefined,
      'the run watcher to flag the delivery',
    );
    const page = await signIn(boss);
    await page.getByRole('link', { name: 'Needs attention' }).click();
    const card = page.locator(`.card[data-delivery-id="${id}"]`);
    const note = card.getByRole('note', { name: 'Needs attention' });
    await note.waitFor();
    expect(await note.textContent()).to.match(
      /terminated its workflow in Temporal \("courier app hung"\) while it was ASSIGNED.*Its assignee's next status change/,
    );
    await card.scrollIntoViewIfNeeded();
    await page.screenshot({ path: screenshotPath('console-needs-attention') });
    await page.context().close();

    const theirs = await signIn(admin);
    await theirs.goto(`${base()}/console#/deliveries/${id}`);
    await theirs.locator('.detail [data-status="ASSIGNED"]').waitFor();
    expect(await theirs.getByRole('note', { name: 'Needs attention' }).count()).to.equal(0);
    await theirs.context().close();
  });

  it('when a search is too short, then the refusal shows beside the field and the old results go, not beside them', async () => {
    const { partner } = await deliveryThrough('CREATED');
    const page = await signIn(partner);
    await page.locator('.cards .card').first().waitFor();
    await page.getByLabel('Search').fill('ab');
    await page.getByLabel('Search').press('Enter');
    await page.getByText('must be at least 3 characters').waitFor();
    await page.getByText('Fix the filters above to see results.').waitFor();
    expect(await page.locator('.cards .card').count()).to.equal(0);
    await page.context().close();
  });

  it("when a notification arrives right after the user's own action, then it is announced beside it, not over it", async () => {
    const { id, partner, boss } = await deliveryThrough('CREATED');
    const admin = await createUser({ role: 'admin' });
    const page = await signIn(partner);
    const product = `Kettle ${randomUUID().slice(0, 8)}`;
    await page.getByLabel('Product').fill(product);
    await page.getByLabel('Delivery address').fill('1 Main St, Springfield');
    await page.getByLabel('Delivery date').fill('2030-01-01');
    await page.getByRole('button', { name: 'Create delivery' }).click();
    const said = `Delivery "${product}" created.`;
    await page.locator('.announcer', { hasText: said }).waitFor();
    const assigned = await request(stack().app.callback())
      .post(`/api/v1/deliveries/${id}/assign`)
      .set(bearer(boss.token))
      .send({ admin_id: admin.user.id });
    expect(assigned.status).to.equal(200);
    await page.locator('.news', { hasText: /assigned/i }).waitFor();
    expect(await page.locator('.announcer').innerText()).to.equal(said);
    await page.context().close();
  });

  it('when a page announced a success and the user moves to another page, then the announcement stays behind', async () => {
    const { partner } = await deliveryThrough('CREATED');
    const page = await signIn(partner);
    const product = `Lamp ${randomUUID().slice(0, 8)}`;
    await page.getByLabel('Product').fill(product);
    await page.getByLabel('Delivery address').fill('1 Main St, Springfield');
    await page.getByLabel('Delivery date').fill('2030-01-01');
    await page.getByRole('button', { name: 'Create delivery' }).click();
    const announcer = page.locator('.announcer');
    await page.getByText(`Delivery "${product}" created.`).waitFor();
    await page.locator('.card', { hasText: product }).getByRole('link').first().click();
    await page.locator('.detail [data-status]').waitFor();
    expect(await announcer.innerText()).to.equal('');
    await page.context().close();
  });

  it('when a super admin reassigns and administers users, then the changes hold, their own row offers nothing the API would refuse, and a deactivated admin is sent back to sign in', async () => {
    const { id, admin, boss } = await deliveryThrough('ASSIGNED');
    const backup = await createUser({ role: 'admin', first_name: 'Ben', last_name: 'Backup' });
    const adminPage = await signIn(admin);
    await adminPage.locator(`[data-delivery-id="${id}"]`).waitFor();
    const superPage = await signIn(boss);

    // Reassign from the detail page: the current assignee is not among the choices.
    await superPage.goto(`${base()}/console#/deliveries/${id}`);
    const choices = superPage.getByLabel('Admin');
    await choices.waitFor();
    expect(await choices.locator(`option[value="${admin.user.id}"]`).count()).to.equal(0);
    await choices.selectOption(backup.user.id);
    await superPage.getByRole('button', { name: 'Reassign' }).click();
    await superPage.locator('.detail dd', { hasText: 'Ben Backup' }).waitFor();
    const row = await stack().db('deliveries').where({ id }).first();
    expect(row.assigned_to).to.equal(backup.user.id);
    // The former assignee is told, and their open page drops the delivery without a reload.
    await adminPage.getByText('Nothing is assigned to you.').waitFor();

    // A new user: the API's password rule next to the field first, then the user is created.
    await superPage.goto(`${base()}/console#/users`);
    const form = superPage.getByRole('form', { name: 'New user' });
    const email = `new-${randomUUID()}@example.test`;
    await form.getByLabel('Email').fill(email);
    await form.getByLabel('Password').fill('short');
    await form.getByLabel('Role').selectOption('admin');
    await form.getByLabel('First name').fill('Nia');
    await form.getByLabel('Last name').fill('New');
    await form.getByRole('button', { name: 'Create user' }).click();
    await form.getByText('Password must be at least 10 characters').waitFor();
    await form.getByLabel('Password').fill('a-long-enough-password');
    await form.getByRole('button', { name: 'Create user' }).click();
    await superPage.getByText(`User ${email} created.`).waitFor();

    const users = superPage.getByRole('form', { name: 'User filters' });
    const showOnly = async (address: string) => {
      await users.getByLabel('Search name or email').fill(address);
      await users.getByRole('button', { name: 'Apply filters' }).click();
      const card = superPage.locator('.card', { hasText: address });
      await card.waitFor();
      return card;
    };
    const created = await showOnly(email);
    await created.getByLabel('Role', { exact: true }).selectOption('partner');
    await created.getByRole('button', { name: `Change role of ${email}` }).click();
    await superPage.getByText(`${email} is now Partner.`).waitFor();
    const stored = await stack().db('users').where({ email }).first();
    expect(stored.role).to.equal('partner');

    // Their own row offers nothing the API would refuse (their own role, deactivating themselves),
    // and says why.
    const self = await showOnly(boss.user.email);
    await self.getByText('This is you: another super admin can change your role').waitFor();
    expect(await self.getByRole('button').count()).to.equal(0);

    // Deactivation ends the admin's session: their next request returns them to sign in.
    const target = await showOnly(admin.user.email);
    await target.getByRole('button', { name: `Deactivate ${admin.user.email}` }).click();
    await superPage.getByText(`${admin.user.email} is deactivated.`).waitFor();
    await superPage.screenshot({ path: screenshotPath('console-users'), fullPage: true });
    await adminPage.getByRole('button', { name: 'Apply filters' }).click();
    await adminPage.getByText('Your session has ended. Sign in again.').waitFor();
    await adminPage.getByLabel('Email').waitFor();
  });
});
