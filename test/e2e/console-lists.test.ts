import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { insertNotifications } from '../../src/db/repositories/notifications';
import { browserSuite, signInToConsole } from '../support/browser';
import { createdDeliveryId } from '../support/deliveries';
import { stack } from '../support/stack';
import { createUserWithToken } from '../support/users';
import { waitFor } from '../support/wait-for';

/** The console's card lists (a partner's deliveries) against the real stack, in Chromium. */
describe('console: card lists keep what the user loaded', function () {
  this.timeout(120_000);
  const { base, browser } = browserSuite();

  it('when a notification arrives after "Load more", then the refreshed list still holds every page loaded', async () => {
    const partner = await createUserWithToken({ role: 'partner' });
    const tag = randomUUID().slice(0, 8);
    // One more than the API's default page of 20, the oldest named so it can be looked for.
    const oldest = await createdDeliveryId(partner, { product_name: `Oldest ${tag}` });
    for (let i = 0; i < 20; i += 1) await createdDeliveryId(partner);

    const page = await signInToConsole(browser(), base(), partner);
    const cards = page.locator('.cards > li.card');
    await page.getByRole('button', { name: 'Load more' }).waitFor();
    expect(await cards.count()).to.equal(20);
    await page.getByRole('button', { name: 'Load more' }).click();
    await page.locator(`li.card[data-delivery-id="${oldest}"]`).waitFor();

    const listReads: string[] = [];
    page.on('response', (res) => {
      if (new URL(res.url()).pathname === '/api/v1/deliveries') listReads.push(res.url());
    });
    await insertNotifications(stack().db, [
      {
        user_id: partner.user.id,
        type: 'delivery.assigned',
        title: 'Assigned',
        message: `A delivery was assigned ${tag}`,
        delivery_id: oldest,
        event_key: `lists-refresh-${randomUUID()}`,
      },
    ]);
    // The refresh reads the pages again, one after the other, and shows them together.
    await waitFor(async () => (listReads.length >= 1 ? true : undefined), 'the refresh');
    await page.waitForLoadState('networkidle');
    expect(await cards.count()).to.equal(21);
    expect(listReads).to.have.length(2);
    await page.locator(`li.card[data-delivery-id="${oldest}"]`).waitFor();
    await page.context().close();
  });
});
