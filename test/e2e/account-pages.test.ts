import { expect } from 'chai';
import type { Page, Route } from 'playwright-core';
import request from 'supertest';
import { listEmails } from '../../src/db/repositories/email-messages';
import { browserSuite, screenshotPath } from '../support/browser';
import { stack } from '../support/stack';
import { createUser, uniqueEmail } from '../support/users';
import { waitFor } from '../support/wait-for';

const NEW_PASSWORD = 'a-brand-new-password';

/** The pages the account emails link to, opened from the emails' own links in Debian's Chromium. */
describe('account pages in a browser', function () {
  this.timeout(120_000);
  const { base, browser } = browserSuite();
  const api = () => request(stack().app.callback());

  /** The link of the account email (written to the outbox by the test worker), on this server. */
  async function linkFromEmail(to: string, tag: string): Promise<string> {
    const email = await waitFor(
      async () => (await listEmails(stack().db, { to, limit: 10 })).find((e) => e.tag === tag),
      `the ${tag} email to ${to}`,
    );
    const link = /https?:\/\/\S+?(\/account\/\S+)/.exec(email.text_body)?.[1];
    expect(link, 'a link in the text part').to.be.a('string');
    return base() + link!;
  }

  async function openPage(url: string): Promise<Page> {
    const page = await (await browser().newContext()).newPage();
    await page.goto(url);
    return page;
  }

  it('when a password is reset, then errors clear on each submit, the username is there for password managers and the page links to sign-in', async () => {
    const { user } = await createUser({ role: 'partner' });
    expect(
      (await api().post('/api/v1/auth/forgot-password').send({ email: user.email })).status,
    ).to.equal(202);
    const page = await openPage(await linkFromEmail(user.email, 'account.reset-password'));

    const username = page.locator('input[autocomplete="username"]');
    expect(await username.isHidden()).to.equal(true);
    expect(await username.inputValue()).to.equal(user.email);

    const status = page.getByRole('status').first();
    await page.getByLabel('New password').fill(NEW_PASSWORD);
    await page.getByLabel('Repeat it').fill(`${NEW_PASSWORD}-typo`);
    await page.getByRole('button', { name: 'Set my new password' }).click();
    await page.getByText('The two passwords differ.').waitFor();

    // The second submit is held at the API until the page has been looked at.
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let submitted: () => void = () => undefined;
    const reached = new Promise<void>((resolve) => (submitted = resolve));
    await page.route('**/api/v1/auth/reset-password', async (route: Route) => {
      submitted();
      await held;
      await route.continue();
    });
    await page.getByLabel('Repeat it').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Set my new password' }).click();
    await reached;
    expect(await status.innerText(), 'the earlier error is gone once submitted again').to.equal('');
    release();

    const signIn = page.getByRole('link', { name: 'Sign in with it' });
    await signIn.waitFor();
    expect(await signIn.getAttribute('href')).to.equal('/console');
    expect(await page.getByText('The two passwords differ.').count()).to.equal(0);
    await page.screenshot({ path: screenshotPath('account-reset-password-done') });
    const login = await api()
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: NEW_PASSWORD });
    expect(login.status).to.equal(200);

    // The link works once: a second submit of the same page shows the API's answer.
    await page.reload();
    await page.getByLabel('New password').fill(NEW_PASSWORD);
    await page.getByLabel('Repeat it').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Set my new password' }).click();
    await page.getByText('This link has already been used.').waitFor();
    expect(await page.getByRole('link', { name: 'Sign in with it' }).isVisible()).to.equal(false);
  });

  it('when an email address is confirmed, then the page says so and links to where one signs in', async () => {
    const email = uniqueEmail('partner');
    const registered = await api()
      .post('/api/v1/auth/register')
      .send({ email, password: NEW_PASSWORD, first_name: 'Ada', last_name: 'Lovelace' });
    expect(registered.status).to.equal(201);
    const page = await openPage(await linkFromEmail(email, 'account.verify-email'));
    await page.getByRole('button', { name: 'Confirm my email address' }).click();
    const signIn = page.getByRole('link', { name: 'Sign in to the console' });
    await signIn.waitFor();
    expect(await signIn.getAttribute('href')).to.equal('/console');
    const row = await stack().db('users').where({ email }).first();
    expect(row.email_verified_at).to.not.equal(null);
  });
});
