import { randomBytes, randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import request from 'supertest';
import { MAX_ATTACHMENT_BYTES } from '../../src/attachments/limits';
import { browserSuite, screenshotPath, signInToConsole } from '../support/browser';
import { deliveryBody, deliveryThrough } from '../support/deliveries';
import { stack } from '../support/stack';
import { bearer, type TestUser } from '../support/users';

const api = () => request(stack().app.callback());
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 860 };

/** A photo of a front door as a phone camera would take it (a JPEG with its GPS position). */
const doorPhoto = () =>
  sharp({ create: { width: 640, height: 480, channels: 3, background: '#3b7' } })
    .jpeg()
    .withExif({ IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '52/1 31/1 12/1' } })
    .toBuffer();

/** A PNG over the API's 5 MiB: noise does not compress, so 1400 × 1400 pixels take ~5.9 MB. */
const oversizedPng = () =>
  sharp(randomBytes(1400 * 1400 * 3), { raw: { width: 1400, height: 1400, channels: 3 } })
    .png()
    .toBuffer();

/**
 * The proof and failure forms of the console against the real stack in Chromium: the admin on a
 * phone, the partner reading the outcome on a desktop.
 */
describe('console: proof of delivery and failure reasons in a browser', function () {
  this.timeout(120_000);
  const { base, browser } = browserSuite();

  async function signIn(who: TestUser, viewport = DESKTOP): Promise<Page> {
    return signInToConsole(browser(), base(), who, viewport);
  }

  const overflow = (page: Page) =>
    // Evaluated in the page (a string: this file is not compiled with the DOM library).
    page.evaluate<number>('document.documentElement.scrollWidth - window.innerWidth');

  it('when an admin completes a proof_required delivery with photos from the phone, then the partner sees who received it and the thumbnails', async () => {
    const product = `Standing desk ${randomUUID().slice(0, 8)}`;
    const { id, admin, partner, boss } = await deliveryThrough(
      'IN_TRANSIT',
      deliveryBody({ product_name: product, proof_required: true }),
    );
    const partnerPage = await signIn(partner);
    await partnerPage.goto(`${base()}/console#/deliveries/${id}`);
    await partnerPage.getByText('A photo is required').waitFor();

    const adminPage = await signIn(admin, PHONE);
    const form = adminPage
      .locator(`[data-delivery-id="${id}"]`)
      .getByRole('form', { name: `Mark completed: ${product}` });
    await form.getByText('Received by (required)').waitFor();
    await form.getByText('Photos (required)').waitFor();
    const photos = form.getByLabel('Photos');
    expect(await photos.getAttribute('accept')).to.equal('image/*');
    expect(await photos.getAttribute('capture')).to.equal('environment');
    expect(await photos.getAttribute('multiple')).to.equal('');

    // The API's rules, next to their fields: a name first, then a photo.
    await form.getByRole('button', { name: 'Mark completed' }).click();
    await form.getByText('Received by must not be blank').waitFor();
    await form.getByLabel('Received by').fill('Rita Recipient');
    await form.getByRole('button', { name: 'Mark completed' }).click();
    await form.getByText(/^Photos must name at least one photo/).waitFor();
    await adminPage.screenshot({ path: screenshotPath('console-proof-admin'), fullPage: true });

    await form.getByLabel('Note').fill('Left with the concierge');
    await photos.setInputFiles([
      { name: 'door.jpg', mimeType: 'image/jpeg', buffer: await doorPhoto() },
      { name: 'parcel.png', mimeType: 'image/png', buffer: await oversizedPng() },
    ]);
    // Another delivery reaches the admin meanwhile: the list redraws live, the form keeps its input.
    const next = await api()
      .post('/api/v1/deliveries')
      .set(bearer(partner.token))
      .send(deliveryBody({ product_name: `Lamp ${randomUUID().slice(0, 8)}` }));
    const assigned = await api()
      .post(`/api/v1/deliveries/${next.body.id}/assign`)
      .set(bearer(boss.token))
      .send({ admin_id: admin.user.id });
    expect(assigned.status).to.equal(200);
    await adminPage.locator(`[data-delivery-id="${next.body.id}"]`).waitFor();
    expect(await form.getByLabel('Received by').inputValue()).to.equal('Rita Recipient');
    expect(
      await photos.evaluate(
        (input) => (input as unknown as { files: { length: number } }).files.length,
      ),
    ).to.equal(2);
    await form.getByRole('button', { name: 'Mark completed' }).click();
    await adminPage.getByText(`"${product}" is completed with 2 photos.`).waitFor();
    expect(await overflow(adminPage), 'horizontal overflow at phone width').to.be.at.most(0);

    const stored = await stack().db('delivery_attachments').where({ delivery_id: id });
    expect(stored).to.have.length(2);
    // The PNG over 5 MiB was redrawn as a smaller JPEG in the browser before it was sent.
    expect(stored.map((row: { content_type: string }) => row.content_type)).to.deep.equal([
      'image/jpeg',
      'image/jpeg',
    ]);
    for (const row of stored) expect(row.bytes).to.be.at.most(MAX_ATTACHMENT_BYTES);
    const delivery = await stack().db('deliveries').where({ id }).first();
    expect(delivery.status).to.equal('COMPLETED');

    // The partner's open page follows live: who received it, the note and both thumbnails.
    const proof = partnerPage.getByRole('region', { name: 'Proof of delivery' });
    await proof.locator('dd', { hasText: 'Rita Recipient' }).waitFor();
    await proof.locator('dd', { hasText: 'Left with the concierge' }).waitFor();
    const thumbnails = proof.getByRole('img', { name: /^Photo \d of 2, received by Rita/ });
    await thumbnails.nth(1).waitFor();
    for (const index of [0, 1]) {
      const thumbnail = thumbnails.nth(index);
      expect(await thumbnail.getAttribute('src')).to.match(/^blob:/);
      await partnerPage.waitForFunction(
        (img) => (img as unknown as { complete: boolean; naturalWidth: number }).naturalWidth > 0,
        await thumbnail.elementHandle(),
      );
      const link = proof.getByRole('link').nth(index);
      expect(await link.getAttribute('href')).to.equal(await thumbnail.getAttribute('src'));
    }
    expect(
      await proof
        .locator('img')
        .evaluateAll((images) => images.map((img) => img.getAttribute('data-attachment-id'))),
    ).to.have.members(stored.map((row: { id: string }) => row.id));

    // The tracking link, copied for the customer.
    await partnerPage.context().grantPermissions(['clipboard-read', 'clipboard-write']);
    const trackingUrl = `${stack().config.PUBLIC_URL}/track/${delivery.tracking_token}`;
    await partnerPage.getByRole('link', { name: trackingUrl }).waitFor();
    await partnerPage.getByRole('button', { name: 'Copy link' }).click();
    await partnerPage.getByText('Tracking link copied.').waitFor();
    expect(await partnerPage.evaluate<string>('navigator.clipboard.readText()')).to.equal(
      trackingUrl,
    );
    await partnerPage.screenshot({ path: screenshotPath('console-proof-partner'), fullPage: true });
  });

  it('when an admin fails a delivery choosing "Recipient unavailable", then the partner reads that reason and the note', async () => {
    const product = `Bookcase ${randomUUID().slice(0, 8)}`;
    const { id, admin, partner } = await deliveryThrough(
      'IN_TRANSIT',
      deliveryBody({ product_name: product }),
    );
    const adminPage = await signIn(admin, PHONE);
    const form = adminPage
      .locator(`[data-delivery-id="${id}"]`)
      .getByRole('form', { name: `Mark failed: ${product}` });
    const reasons = form.getByLabel('Failure reason');
    await form.getByText('Failure reason (required)').waitFor();
    expect(
      await reasons.locator('option').evaluateAll((options) => options.map((o) => o.textContent)),
    ).to.deep.equal([
      'Choose a reason',
      'Recipient unavailable',
      'Address not found',
      'Refused by the recipient',
      'Parcel damaged',
      'Other (say why)',
    ]);

    // No reason chosen, then "other" without a note: each refusal next to its field.
    await form.getByRole('button', { name: 'Mark failed' }).click();
    await form.getByText('Failure reason is required when the status is FAILED').waitFor();
    await form.getByText('Note (optional)').waitFor();
    await reasons.selectOption('other');
    await form.getByText('Note (required)').waitFor();
    await form.getByRole('button', { name: 'Mark failed' }).click();
    await form.getByText('Note is required when the failure_reason is other').waitFor();
    await adminPage.screenshot({ path: screenshotPath('console-failed-admin'), fullPage: true });

    await reasons.selectOption({ label: 'Recipient unavailable' });
    await form.getByText('Note (optional)').waitFor();
    await form.getByLabel('Note').fill('Rang twice, left a card');
    await form.getByRole('button', { name: 'Mark failed' }).click();
    await adminPage.locator(`[data-delivery-id="${id}"] [data-status="FAILED"]`).waitFor();
    const row = await stack().db('deliveries').where({ id }).first();
    expect(row).to.include({ status: 'FAILED', failure_reason: 'recipient_unavailable' });

    const partnerPage = await signIn(partner, PHONE);
    await partnerPage.goto(`${base()}/console#/deliveries/${id}`);
    await partnerPage
      .locator('.detail dd', { hasText: 'Recipient unavailable — Rang twice, left a card' })
      .waitFor();
    await partnerPage
      .locator('.timeline', { hasText: 'Failure reason: Recipient unavailable' })
      .waitFor();
    expect(await overflow(partnerPage), 'horizontal overflow at phone width').to.be.at.most(0);
    await partnerPage.screenshot({
      path: screenshotPath('console-failed-partner'),
      fullPage: true,
    });
  });
});
