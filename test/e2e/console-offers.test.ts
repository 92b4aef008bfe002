import { expect } from 'chai';
import request from 'supertest';
import { browserSuite, signInToConsole } from '../support/browser';
import { deliveryBody } from '../support/deliveries';
import { stack } from '../support/stack';
import { bearer, createUserWithToken, type TestUser } from '../support/users';
import { waitFor } from '../support/wait-for';

const api = () => request(stack().app.callback());

/** The console's offer card and dispatch switch against the real stack, in Chromium. */
describe('console: offers and the dispatch mode', function () {
  this.timeout(120_000);
  const { base, browser } = browserSuite();

  const signIn = (who: TestUser) => signInToConsole(browser(), base(), who);

  it('when a delivery is offered to an admin, then the card shows it with its notes, proof and a countdown, and one tap accepts it, a busy platform’s 503 tried again; the super admin switches the mode back', async () => {
    const boss = await createUserWithToken({ role: 'super_admin' });
    const admin = await createUserWithToken({ role: 'admin' });
    const partner = await createUserWithToken({ role: 'partner' });
    const { db } = stack();
    // Auto-dispatch offers to any available admin: only this one, for the test's length.
    const others = (await db('users')
      .where({ role: 'admin', available: true })
      .whereNot({ id: admin.user.id })
      .pluck('id')) as string[];
    await db('users').whereIn('id', others).update({ available: false });
    try {
      const auto = { mode: 'auto', offer_timeout_seconds: 600, max_offers: 3 };
      await api().put('/api/v1/settings/dispatch').set(bearer(boss.token)).send(auto);
      const body = deliveryBody({ notes: 'Ring twice, 3rd floor', proof_required: true });
      const created = await api().post('/api/v1/deliveries').set(bearer(partner.token)).send(body);
      const id = created.body.id as string;

      const page = await signIn(admin);
      await page.evaluate('location.hash = "#/offers"');
      const card = page.locator(`.offer[data-delivery-id="${id}"]`);
      await card.getByRole('heading', { name: body['product_name'] as string }).waitFor();
      expect(await card.locator('.countdown').textContent()).to.match(/^\d+:\d\d left$/);
      await card.getByText('Notes: Ring twice, 3rd floor').waitFor();
      await card.getByText('Photo proof required').waitFor();
      const availability = page.getByLabel('Available for offers');
      await page.locator('input[name="available"]:enabled').waitFor();
      expect(await availability.isChecked()).to.equal(true);
      // The platform too busy to answer the first accept in time: the console tries again after
      // the Retry-After, under the same Idempotency-Key, and the admin sees it accepted.
      const accepts: (string | null)[] = [];
      await page.route('**/offer/accept', async (route) => {
        accepts.push(await route.request().headerValue('Idempotency-Key'));
        if (accepts.length > 1) return route.continue();
        return route.fulfill({
          status: 503,
          headers: { 'Retry-After': '1', 'Content-Type': 'application/problem+json' },
          body: JSON.stringify({ type: 'about:blank', title: 'Busy', status: 503 }),
        });
      });
      await card.getByRole('button', { name: 'Accept' }).click();
      await page.getByText('No offer is waiting for you.').waitFor();
      expect(accepts).to.have.length(2);
      expect(accepts[0]).to.be.a('string').and.equal(accepts[1]);
      await page.getByText(`Accepted: ${body['product_name'] as string} is yours.`).waitFor();
      const row = await waitFor(
        async () => (await db('deliveries').where({ id, status: 'ASSIGNED' }).first()) ?? undefined,
        'the delivery assigned',
      );
      expect(row.assigned_to).to.equal(admin.user.id);

      const bossPage = await signIn(boss);
      await bossPage.evaluate('location.hash = "#/dispatch"');
      await bossPage.getByRole('heading', { name: 'Dispatch mode' }).waitFor();
      const mode = bossPage.getByLabel('Mode', { exact: true });
      await waitFor(async () => ((await mode.inputValue()) === 'auto' ? true : undefined), 'auto');
      await mode.selectOption('manual');
      await bossPage.getByRole('button', { name: 'Save' }).click();
      await bossPage.getByText('Dispatch is manual.').waitFor();
      expect((await db('dispatch_settings').first()).mode).to.equal('manual');
      await page.context().close();
      await bossPage.context().close();
    } finally {
      await db('users').whereIn('id', others).update({ available: true });
      await api()
        .put('/api/v1/settings/dispatch')
        .set(bearer(boss.token))
        .send({ mode: 'manual', offer_timeout_seconds: 120, max_offers: 3 });
    }
  });
});
