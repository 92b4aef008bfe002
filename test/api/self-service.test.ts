import { expect } from 'chai';
import request from 'supertest';
import { hashOpaqueToken } from '../../src/accounts/opaque-token';
import { createAuthenticator } from '../../src/accounts/authenticate';
import { throttleLimits } from '../../src/accounts/login-throttle';
import { assertEmailVerified } from '../../src/accounts/email-verified';
import { createApp } from '../../src/api/app';
import { insertAccountToken } from '../../src/db/repositories/account-tokens';
import { listEmails, type EmailRecord } from '../../src/db/repositories/email-messages';
import { DomainError } from '../../src/domain/errors';
import { startFakePostmark, type FakePostmark } from '../support/postmark-server';
import { stack } from '../support/stack';
import { startTestWorker, type TestWorker } from '../support/test-worker';
import { createUser, uniqueEmail } from '../support/users';
import { waitFor } from '../support/wait-for';

const NEW_PASSWORD = 'a-brand-new-password';

const api = () => request(stack().app.callback());

async function emailsTo(to: string): Promise<EmailRecord[]> {
  return listEmails(stack().db, { to, limit: 10 });
}

/** Waits for the account email (the shared test worker writes it to the outbox) and its token. */
async function tokenFromEmail(
  to: string,
  tag: string,
): Promise<{ token: string; email: EmailRecord }> {
  const email = await waitFor(
    async () => (await emailsTo(to)).find((e) => e.tag === tag && e.status === 'outbox'),
    `the ${tag} email to ${to}`,
  );
  const match = /\/account\/[a-z-]+\?token=([A-Za-z0-9_-]+)/.exec(email.text_body);
  expect(match, 'a link with a token in the text part').to.not.equal(null);
  expect(email.html_body).to.include(match![0]);
  return { token: match![1]!, email };
}

async function register(email = uniqueEmail('signup')) {
  const res = await api()
    .post('/api/v1/auth/register')
    .send({ email, password: 'a-good-long-password', first_name: 'Ada', last_name: 'Shop' });
  return { res, email };
}

describe('account emails: registration, verification and password reset', function () {
  this.timeout(60_000);

  describe('registration and verification', () => {
    it('when a partner registers, then 201, the account is unverified and a verification email is in the outbox', async () => {
      const { res, email } = await register();
      expect(res.status).to.equal(201);
      expect(res.body).to.include({
        email,
        role: 'partner',
        email_verified: false,
        is_active: true,
      });
      expect(res.headers['location']).to.equal(`/api/v1/users/${res.body.id}`);

      const { token, email: message } = await tokenFromEmail(email, 'account.verify-email');
      expect(message.text_body).to.include(
        `${stack().config.PUBLIC_URL}/account/verify-email?token=`,
      );
      expect(message.subject).to.equal('Confirm your email address');
      const [row] = await stack().db('account_tokens').where({ user_id: res.body.id });
      expect(row).to.include({ purpose: 'verify-email', token_hash: hashOpaqueToken(token) });
      expect(JSON.stringify(row)).to.not.include(token);
    });

    it('when the verification token is posted, then 204 and the partner passes the verified-email guard; a reuse is a 400 problem', async () => {
      const { res, email } = await register();
      const user = { id: res.body.id as string };
      // The user as a request sees it: authenticated from a fresh token.
      const { tokens } = stack().deps;
      const authenticate = createAuthenticator(stack().db, tokens, throttleLimits(stack().config));
      const asRequest = async () =>
        authenticate(await tokens.sign({ userId: user.id, role: 'partner' }), '127.0.0.1');
      const unverified = await asRequest();
      expect(() => assertEmailVerified(unverified))
        .to.throw(DomainError)
        .with.property('code', 'email-not-verified');

      const { token } = await tokenFromEmail(email, 'account.verify-email');
      const verified = await api().post('/api/v1/auth/verify-email').send({ token });
      expect(verified.status).to.equal(204);
      const stored = await stack().db('users').where({ id: user.id }).first();
      expect(stored.email_verified_at).to.be.instanceOf(Date);
      assertEmailVerified(await asRequest());

      const again = await api().post('/api/v1/auth/verify-email').send({ token });
      expect(again.status).to.equal(400);
      expect(again.body.type).to.match(/\/problems\/invalid-token$/);
      expect(again.body.detail).to.match(/already been used/);
    });

    it('when the email is taken or the password too short, then 409 or 400 and no email is sent', async () => {
      const { user } = await createUser();
      const taken = await register(user.email);
      expect(taken.res.status).to.equal(409);
      expect(await emailsTo(user.email)).to.have.length(0);

      const email = uniqueEmail('weak');
      const weak = await api()
        .post('/api/v1/auth/register')
        .send({ email, password: 'short', first_name: 'A', last_name: 'B' });
      expect(weak.status).to.equal(400);
      expect(weak.body.errors.map((e: { field: string }) => e.field)).to.include('password');
      expect(await stack().db('users').where({ email })).to.have.length(0);
    });

    it('when registration is disabled, then 403 and no account is created', async () => {
      const { deps } = stack();
      const app = createApp({ ...deps, config: { ...deps.config, REGISTRATION_ENABLED: false } });
      const email = uniqueEmail('closed');
      const res = await request(app.callback())
        .post('/api/v1/auth/register')
        .send({ email, password: 'a-good-long-password', first_name: 'A', last_name: 'B' });
      expect(res.status).to.equal(403);
      expect(res.body.detail).to.match(/registration is disabled/i);
      expect(await stack().db('users').where({ email })).to.have.length(0);
    });
  });

  describe('through Postmark', () => {
    let fake: FakePostmark;
    let worker: TestWorker;
    before(async () => {
      fake = await startFakePostmark();
      worker = await startTestWorker({
        email: {
          serverToken: fake.token,
          apiUrl: fake.url,
          messageStream: 'outbound',
          from: 'Deliveries <no-reply@example.test>',
        },
      });
    });
    after(async () => {
      await worker?.stop();
      await fake?.close();
    });

    it('when a partner registers with Postmark configured, then the real client sends the link and it verifies the account', async () => {
      const { deps } = stack();
      const app = createApp({
        ...deps,
        config: { ...deps.config, TEMPORAL_TASK_QUEUE: worker.taskQueue },
      });
      const email = uniqueEmail('postmark');
      const res = await request(app.callback())
        .post('/api/v1/auth/register')
        .send({ email, password: 'a-good-long-password', first_name: 'Ada', last_name: 'Shop' });
      expect(res.status).to.equal(201);

      const [sent] = await waitFor(
        async () => (fake.requestsTo(email).length > 0 ? fake.requestsTo(email) : undefined),
        'the verification email at Postmark',
      );
      expect(sent!.body).to.include({ Tag: 'account.verify-email', MessageStream: 'outbound' });
      const token = /verify-email\?token=([A-Za-z0-9_-]+)/.exec(
        String(sent!.body['TextBody']),
      )![1]!;
      expect(String(sent!.body['HtmlBody'])).to.include(token);
      const verified = await request(app.callback())
        .post('/api/v1/auth/verify-email')
        .send({ token });
      expect(verified.status).to.equal(204);
      const stored = await waitFor(
        async () => (await listEmails(stack().db, { to: email, status: 'sent', limit: 1 }))[0],
        'the email recorded as sent',
      );
      expect(stored).to.include({ status: 'sent', tag: 'account.verify-email' });
    });
  });

  describe('password reset', () => {
    it('when the email is unknown, then 202 and nothing is sent', async () => {
      const email = uniqueEmail('nobody');
      const res = await api().post('/api/v1/auth/forgot-password').send({ email });
      expect(res.status).to.equal(202);
      expect(await emailsTo(email)).to.have.length(0);
    });

    it('when a known user resets with the emailed token, then 204, the new password works and every session ends', async () => {
      const { user, password } = await createUser();
      const login = await api().post('/api/v1/auth/login').send({ email: user.email, password });
      expect(login.status).to.equal(200);

      const forgot = await api().post('/api/v1/auth/forgot-password').send({ email: user.email });
      expect(forgot.status).to.equal(202);
      const { token, email } = await tokenFromEmail(user.email, 'account.reset-password');
      expect(email.text_body).to.include(
        `${stack().config.PUBLIC_URL}/account/reset-password?token=`,
      );

      const reset = await api()
        .post('/api/v1/auth/reset-password')
        .send({ token, password: NEW_PASSWORD });
      expect(reset.status).to.equal(204);

      const withNew = await api()
        .post('/api/v1/auth/login')
        .send({ email: user.email, password: NEW_PASSWORD });
      expect(withNew.status).to.equal(200);
      const oldSession = await api()
        .post('/api/v1/auth/refresh')
        .send({ refresh_token: login.body.refresh_token });
      expect(oldSession.status).to.equal(401);

      const reuse = await api()
        .post('/api/v1/auth/reset-password')
        .send({ token, password: 'yet-another-password' });
      expect(reuse.status).to.equal(400);
      expect(reuse.body.type).to.match(/\/problems\/invalid-token$/);
    });

    it('when forgot-password is repeated within a minute, then 202 again but only one email is sent', async () => {
      const { user } = await createUser();
      for (let i = 0; i < 3; i++) {
        const res = await api().post('/api/v1/auth/forgot-password').send({ email: user.email });
        expect(res.status).to.equal(202);
      }
      await tokenFromEmail(user.email, 'account.reset-password');
      expect(await stack().db('account_tokens').where({ user_id: user.id })).to.have.length(1);
    });

    it('when the new password breaks the policy, then 400 and the token still works', async () => {
      const { user } = await createUser();
      await api().post('/api/v1/auth/forgot-password').send({ email: user.email });
      const { token } = await tokenFromEmail(user.email, 'account.reset-password');

      const same = await api()
        .post('/api/v1/auth/reset-password')
        .send({ token, password: user.email });
      expect(same.status).to.equal(400);
      expect(same.body.errors[0]).to.include({ field: 'password' });
      const ok = await api()
        .post('/api/v1/auth/reset-password')
        .send({ token, password: NEW_PASSWORD });
      expect(ok.status).to.equal(204);
    });

    it('when the token has expired or is unknown, then 400 and the password is unchanged', async () => {
      const { user } = await createUser();
      const token = 'expired-token-' + user.id;
      await insertAccountToken(stack().db, {
        user_id: user.id,
        purpose: 'reset-password',
        token_hash: hashOpaqueToken(token),
        expires_at: new Date(Date.now() - 1000),
      });
      const before = await stack().db('users').where({ id: user.id }).first();

      const expired = await api()
        .post('/api/v1/auth/reset-password')
        .send({ token, password: NEW_PASSWORD });
      expect(expired.status).to.equal(400);
      expect(expired.body.detail).to.match(/expired/);
      const unknown = await api()
        .post('/api/v1/auth/reset-password')
        .send({ token: 'nope', password: NEW_PASSWORD });
      expect(unknown.status).to.equal(400);
      expect(unknown.body.detail).to.match(/not valid/);
      const after = await stack().db('users').where({ id: user.id }).first();
      expect(after.password_hash).to.equal(before.password_hash);
    });
  });

  describe('the pages the links open', () => {
    for (const page of ['/account/verify-email', '/account/reset-password']) {
      it(`when ${page} is opened, then the HTML never contains the token and a GET spends nothing`, async () => {
        const hostile = '"><script>alert(1)</script>';
        const res = await api().get(page).query({ token: hostile });
        expect(res.status).to.equal(200);
        expect(res.headers['content-type']).to.match(/^text\/html/);
        expect(res.headers['content-security-policy']).to.match(/default-src 'none'/);
        expect(res.headers['cache-control']).to.equal('no-store');
        expect(res.headers['referrer-policy']).to.equal('no-referrer');
        expect(res.text).to.not.include('alert(1)');
        expect(res.text).to.not.match(/<(link|img)|src="http/);
        expect(res.text).to.include('<form');
      });
    }

    it('when a mail scanner fetches the verification link, then the token is still unspent', async () => {
      const { email } = await register();
      const { token } = await tokenFromEmail(email, 'account.verify-email');
      const res = await api().get('/account/verify-email').query({ token });
      expect(res.status).to.equal(200);
      expect(res.text).to.not.include(token);
      const row = await stack()
        .db('account_tokens')
        .where({ token_hash: hashOpaqueToken(token) })
        .first();
      expect(row.consumed_at).to.equal(null);
    });
  });
});
