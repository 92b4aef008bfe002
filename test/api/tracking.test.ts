import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../../src/api/app';
import { closeServer, listen } from '../../src/api/listen';
import { newTrackingToken } from '../../src/tracking/tracking-token';
import { baseUrl } from '../support/base-url';
import { deliveryBody } from '../support/deliveries';
import { expectDocumented, expectValidBy } from '../support/openapi-contract';
import { SseClient } from '../support/sse-client';
import { stack } from '../support/stack';
import { bearer, createUserWithToken } from '../support/users';
import { waitFor } from '../support/wait-for';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const api = () => request(stack().app.callback());
const UUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/i;
const CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const hoursFromNow = (hours: number) => new Date(Date.now() + hours * 3_600_000).toISOString();

/** What the partner knows that the recipient's page must never show. */
const PRIVATE = {
  delivery_address: '12 Secret Lane, Hidden Town',
  recipient_name: 'Rita Recipient',
  recipient_phone: '+44 7700 900123',
  recipient_email: 'rita@example.test',
  notes: 'Gate code 4711, beware of the dog',
};

async function trackedDelivery(overrides: Record<string, unknown> = {}) {
  const partner = await createUserWithToken({ role: 'partner' });
  const created = await api()
    .post('/api/v1/deliveries')
    .set(bearer(partner.token))
    // A product name without a UUID in it, so the page can be searched for ids.
    .send(
      deliveryBody({
        product_name: `Espresso machine ${randomUUID().slice(0, 8)}`,
        ...PRIVATE,
        ...overrides,
      }),
    );
  expect(created.status, JSON.stringify(created.body)).to.equal(201);
  const token = (created.body.tracking_url as string).split('/').at(-1)!;
  return { id: created.body.id as string, token, body: created.body as Json, partner };
}

/** A super admin and two admins, Ada and Bea, whose last name (`lastName`) is never shown. */
async function people() {
  const lastName = `Surname${randomUUID().slice(0, 8)}`;
  const [boss, ada, bea] = await Promise.all([
    createUserWithToken({ role: 'super_admin' }),
    createUserWithToken({ role: 'admin', first_name: 'Ada', last_name: lastName }),
    createUserWithToken({ role: 'admin', first_name: 'Bea', last_name: lastName }),
  ]);
  return { boss, ada, bea, lastName };
}

const change = async (id: string, path: string, token: string, body: object) => {
  const res = await api().post(`/api/v1/deliveries/${id}/${path}`).set(bearer(token)).send(body);
  expect(res.status, JSON.stringify(res.body)).to.equal(200);
  return res;
};

const trackJson = (token: string) => api().get(`/track/${token}`).set('Accept', 'application/json');

/** Nothing in the answer that only the platform's users may know. */
function expectNothingPrivate(text: string, ...more: string[]) {
  expect(text).not.to.match(UUID);
  for (const secret of [...Object.values(PRIVATE), ...more]) expect(text).not.to.include(secret);
  expect(text).not.to.match(/attachment|sha256|received_by/i);
}

async function openApiDocument(): Promise<Json> {
  return (await api().get('/api/v1/openapi.json')).body as Json;
}

describe('public tracking page (/track/{token})', () => {
  it('when the recipient asks for JSON, then it gets the public view of the delivery and nothing else', async () => {
    const dropoff = { start: hoursFromNow(30), end: hoursFromNow(32) };
    const { token, body } = await trackedDelivery({
      delivery_date: undefined,
      dropoff_window: dropoff,
    });
    const res = await trackJson(token);
    expect(res.status).to.equal(200);
    expect(res.headers['content-type']).to.match(/^application\/json/);
    expect(res.body).to.deep.equal({
      product_name: body['product_name'],
      status: 'CREATED',
      status_text: 'Order received',
      delivery_date: dropoff.end.slice(0, 10),
      dropoff_window: dropoff,
      late: false,
      courier_first_name: null,
      timeline: [{ step: 'created', text: 'Order received', detail: null, at: body['created_at'] }],
    });
    expectNothingPrivate(res.text);
    expectDocumented(await openApiDocument(), '/track/{token}', 'get', res);
  });

  it('when the delivery is assigned, reassigned, taken out and fails, then the timeline has each public step once, the current courier and the public reason', async () => {
    const { id, token } = await trackedDelivery();
    const { boss, ada, bea, lastName } = await people();
    await change(id, 'assign', boss.token, { admin_id: ada.user.id });
    expect((await trackJson(token)).body).to.include({
      status: 'ASSIGNED',
      status_text: 'Courier assigned',
      courier_first_name: 'Ada',
    });
    await change(id, 'assign', boss.token, { admin_id: bea.user.id });
    await change(id, 'status', bea.token, { status: 'IN_TRANSIT' });
    await change(id, 'status', bea.token, {
      status: 'FAILED',
      failure_reason: 'address_not_found',
      reason: 'Nobody knew the house, phoned +44 7700 900999',
    });

    const res = await trackJson(token);
    expect(res.body).to.include({
      status: 'FAILED',
      status_text: 'Could not be delivered',
      courier_first_name: 'Bea',
      late: false,
    });
    const timeline = res.body.timeline as Json[];
    expect(timeline.map((s) => [s['step'], s['text'], s['detail']])).to.deep.equal([
      ['created', 'Order received', null],
      ['assigned', 'Courier assigned', null],
      ['in_transit', 'On its way', null],
      ['failed', 'Could not be delivered', 'The courier could not find the address.'],
    ]);
    const events = await stack().db('delivery_events').where({ delivery_id: id }).orderBy('seq');
    const at = (type: string) =>
      new Date(events.filter((e: Json) => e['type'] === type).at(-1).at).toISOString();
    // The reassignment moved the step to its own time.
    expect(timeline[1]!['at']).to.equal(at('assigned'));
    expectNothingPrivate(res.text, 'Nobody knew the house', '900999', lastName, ada.user.email);
    expectDocumented(await openApiDocument(), '/track/{token}', 'get', res);
  });

  it('when the delivery is completed with a proof, then it reads Delivered, without who received it or the photos', async () => {
    const { id, token } = await trackedDelivery({ proof_required: true });
    const { boss, ada } = await people();
    await change(id, 'assign', boss.token, { admin_id: ada.user.id });
    await change(id, 'status', ada.token, { status: 'IN_TRANSIT' });
    const photo = {
      id: randomUUID(),
      delivery_id: id,
      uploaded_by: ada.user.id,
      content_type: 'image/jpeg',
      bytes: 1234,
      sha256: 'b'.repeat(64),
      storage_key: `deliveries/${id}/photo`,
    };
    await stack().db('delivery_attachments').insert(photo);
    await change(id, 'status', ada.token, {
      status: 'COMPLETED',
      proof: {
        received_by: 'Ann at the door',
        note: 'Left with neighbour',
        attachment_ids: [photo.id],
      },
    });

    for (const res of [await trackJson(token), await api().get(`/track/${token}`)]) {
      expect(res.status).to.equal(200);
      expectNothingPrivate(res.text, 'Ann at the door', 'neighbour', 'b'.repeat(64));
    }
    const res = await trackJson(token);
    expect(res.body).to.include({ status: 'COMPLETED', status_text: 'Delivered', late: false });
    expect((res.body.timeline as Json[]).map((s) => s['step'])).to.deep.equal([
      'created',
      'assigned',
      'in_transit',
      'delivered',
    ]);
  });

  it('when the workflow has recorded the delivery late, then the page and the JSON say it is running late', async () => {
    const { id, token } = await trackedDelivery();
    expect((await trackJson(token)).body.late).to.equal(false);
    await stack()
      .db('delivery_events')
      .insert({
        delivery_id: id,
        event_key: `${id}:test-late`,
        type: 'delivery_late',
        from_status: 'CREATED',
        to_status: 'CREATED',
        reason: 'Not delivered by the end of its drop-off window.',
        at: new Date().toISOString(),
      });
    expect((await trackJson(token)).body).to.include({ status: 'CREATED', late: true });
    const page = await api().get(`/track/${token}`);
    expect(page.text).to.include('<p id="late" class="late">Running late</p>');
    expect(page.text).not.to.include('end of its drop-off window');
  });

  it('when a browser opens the link, then the page is complete without JavaScript, escaped, and served with the strict headers', async () => {
    const product = `Lamp <b>"bright"</b> & 'warm' ${randomUUID().slice(0, 4)}`;
    const { id, token } = await trackedDelivery({ product_name: product });
    const { boss, ada, lastName } = await people();
    await change(id, 'assign', boss.token, { admin_id: ada.user.id });

    for (const accept of ['text/html,application/xhtml+xml,*/*;q=0.8', '*/*']) {
      const res = await api().get(`/track/${token}`).set('Accept', accept);
      expect(res.status).to.equal(200);
      expect(res.headers).to.include({
        'content-type': 'text/html; charset=utf-8',
        'content-security-policy': CSP,
        'referrer-policy': 'no-referrer',
        'x-robots-tag': 'noindex',
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      });
      const html = res.text;
      expect(html).to.include('<html lang="en">').and.include('<main').and.include('<h1>');
      expect(html).to.include('name="viewport"');
      expect(html).to.include('Lamp &lt;b&gt;&quot;bright&quot;&lt;/b&gt; &amp; &#39;warm&#39;');
      expect(html).not.to.include('<b>');
      expect(html).to.include('Courier assigned').and.include('Your courier is Ada.');
      expect(html).to.match(/<noscript>.*refresh it for the latest.*<\/noscript>/);
      // No inline code: every script has a src, no style element or attribute.
      expect(
        html.match(/<script[^>]*>/g)?.every((tag) => / src="\/track\/assets\//.test(tag)),
      ).to.equal(true);
      expect(html).not.to.match(/<style|\sstyle=/);
      expect(html).to.include(`data-events="/track/${token}/events"`);
      expectNothingPrivate(html, lastName, ada.user.email);

      const script = /<script src="([^"]+)"/.exec(html)![1]!;
      const style = /<link rel="stylesheet" href="([^"]+)"/.exec(html)![1]!;
      const js = await api().get(script);
      expect(js.status).to.equal(200);
      expect(js.headers['content-type']).to.match(/^application\/javascript/);
      expect(js.text.length).to.be.within(500, 20_000);
      const css = await api().get(style);
      expect(css.headers['content-type']).to.match(/^text\/css/);
    }
  });

  describe('links that lead nowhere', () => {
    const IGNORED = ['date', 'x-request-id'];
    const headersOf = (res: request.Response) =>
      Object.fromEntries(Object.entries(res.headers).filter(([name]) => !IGNORED.includes(name)));

    async function badTokens() {
      const { id, token, partner } = await trackedDelivery();
      const revoked = await api()
        .post(`/api/v1/deliveries/${id}/tracking-link`)
        .set(bearer(partner.token));
      expect(revoked.status).to.equal(200);
      return {
        malformed: 'abc',
        'too long': 'a'.repeat(65),
        'a forbidden character': `${'a'.repeat(40)}.html`,
        'an encoded NUL': `${'a'.repeat(40)}%00`,
        'broken percent-encoding': `${'a'.repeat(40)}%E0%A4%A`,
        unknown: newTrackingToken(),
        revoked: token,
      };
    }

    for (const [what, path, accept] of [
      ['the page', '', 'text/html'],
      ['the JSON', '', 'application/json'],
      ['the event stream', '/events', 'text/event-stream'],
    ] as const) {
      it(`when ${what} is asked for with a malformed, unknown or revoked token, then every answer is the same 404`, async () => {
        const answers = [];
        for (const [kind, token] of Object.entries(await badTokens())) {
          const res = await api().get(`/track/${token}${path}`).set('Accept', accept);
          answers.push({ kind, status: res.status, body: res.text, headers: headersOf(res) });
        }
        const [first] = answers;
        expect(first!.status).to.equal(404);
        for (const answer of answers) {
          expect({ ...answer, kind: first!.kind }, answer.kind).to.deep.equal(first);
        }
        expect(first!.headers).to.include({
          'content-security-policy': CSP,
          'referrer-policy': 'no-referrer',
          'x-robots-tag': 'noindex',
          'cache-control': 'no-store',
        });
        if (accept === 'text/html') {
          expect(first!.headers['content-type']).to.equal('text/html; charset=utf-8');
          expect(first!.body).to.include('This tracking link does not work');
        } else {
          expect(first!.headers['content-type']).to.match(/^application\/problem\+json/);
          expect(JSON.parse(first!.body)).to.include({
            type: 'https://delivery-aggregator.dev/problems/not-found',
            status: 404,
          });
        }
      });
    }

    it('when a link is replaced, then the new one shows the delivery and the old one is a 404', async () => {
      const { id, token, partner } = await trackedDelivery();
      const replaced = await api()
        .post(`/api/v1/deliveries/${id}/tracking-link`)
        .set(bearer(partner.token));
      const fresh = (replaced.body.tracking_url as string).split('/').at(-1)!;
      expect((await trackJson(fresh)).status).to.equal(200);
      expect((await trackJson(token)).status).to.equal(404);
    });
  });

  describe('rate limit per client address', () => {
    const LIMIT = 3;
    let limited: ReturnType<typeof request>;

    before(() => {
      const { deps, config } = stack();
      const app = createApp({
        ...deps,
        config: { ...config, TRACKING_RATE_LIMIT_PER_MINUTE: LIMIT },
      });
      limited = request(app.callback());
    });

    it('when an address exceeds the limit, then it gets 429 with Retry-After while others and the assets still pass', async () => {
      const { token } = await trackedDelivery();
      const from = (address: string, accept = 'application/json') =>
        limited.get(`/track/${token}`).set('X-Forwarded-For', address).set('Accept', accept);
      const address = `10.77.${Math.floor(Math.random() * 250)}.1`;
      for (let i = 0; i < LIMIT; i++) expect((await from(address)).status).to.equal(200);

      const refused = await from(address);
      expect(refused.status).to.equal(429);
      expect(refused.headers['content-type']).to.match(/^application\/problem\+json/);
      expect(refused.body.type).to.equal('https://delivery-aggregator.dev/problems/rate-limited');
      const retryAfter = Number(refused.headers['retry-after']);
      expect(retryAfter).to.be.within(1, 60);
      expect(refused.headers).to.include({
        'referrer-policy': 'no-referrer',
        'x-robots-tag': 'noindex',
      });

      const page = await from(address, 'text/html');
      expect(page.status).to.equal(429);
      expect(page.headers['content-type']).to.equal('text/html; charset=utf-8');
      expect(page.text).to.include('Too many requests');
      expect(page.headers['content-security-policy']).to.equal(CSP);

      const stream = await limited
        .get(`/track/${token}/events`)
        .set('X-Forwarded-For', address)
        .set('Accept', 'text/event-stream');
      expect(stream.status).to.equal(429);

      const other = await from(`10.78.${Math.floor(Math.random() * 250)}.1`);
      expect(other.status).to.equal(200);
      const html = await limited.get(`/track/${token}`).set('X-Forwarded-For', '10.79.0.1');
      const script = /<script src="([^"]+)"/.exec(html.text)![1]!;
      expect((await limited.get(script).set('X-Forwarded-For', address)).status).to.equal(200);
    });
  });

  describe('live updates (/track/{token}/events)', () => {
    let server: Server;
    let base: string;
    const open: SseClient[] = [];

    before(async () => {
      server = await listen(stack().app, 0, '127.0.0.1');
      base = baseUrl(server);
    });
    afterEach(() => open.splice(0).forEach((c) => c.close()));
    after(() => closeServer(server));

    async function follow(token: string) {
      const client = await SseClient.open(`${base}/track/${token}/events`);
      open.push(client);
      return client;
    }
    const views = (client: SseClient) =>
      client.events.filter((e) => e.event === 'view').map((e) => JSON.parse(e.data!) as Json);

    it('when an admin assigns the delivery, then the open page receives the new view with the courier first name', async () => {
      const { id, token } = await trackedDelivery();
      const client = await follow(token);
      expect(client.status).to.equal(200);
      expect(client.headers['content-type']).to.match(/^text\/event-stream/);
      expect(client.headers).to.include({
        'content-security-policy': CSP,
        'referrer-policy': 'no-referrer',
        'x-robots-tag': 'noindex',
      });
      await client.waitFor(() => views(client).length === 1);
      expect(views(client)[0]).to.include({ status: 'CREATED', courier_first_name: null });

      const { boss, ada } = await people();
      await change(id, 'assign', boss.token, { admin_id: ada.user.id });
      await client.waitFor(() => views(client).length === 2);
      const [, assigned] = views(client);
      expect(assigned).to.include({ status: 'ASSIGNED', courier_first_name: 'Ada' });
      expect(assigned).to.deep.equal((await trackJson(token)).body);
      for (const event of client.events) expectNothingPrivate(event.data ?? '');

      const doc = await openApiDocument();
      const media = doc['paths']['/track/{token}/events'].get.responses['200'].content;
      const schema = media['text/event-stream'].schema;
      const event = client.events.find((e) => e.event === 'view')!;
      expectValidBy(schema, { event: event.event, data: event.data });
      expectValidBy(schema.properties.data.contentSchema, JSON.parse(event.data!));
    });

    it('when the link is replaced, then its open stream ends and cannot be reopened', async () => {
      const { id, token, partner } = await trackedDelivery();
      const client = await follow(token);
      await client.waitFor(() => views(client).length === 1);
      const hub = stack().deps.trackingHub;
      expect(hub.subscriberCount(id)).to.equal(1);

      const replaced = await api()
        .post(`/api/v1/deliveries/${id}/tracking-link`)
        .set(bearer(partner.token));
      expect(replaced.status).to.equal(200);
      await Promise.race([
        client.ended,
        new Promise((_, reject) => setTimeout(() => reject(new Error('still open')), 5000)),
      ]);
      await waitFor(
        async () => (hub.subscriberCount(id) === 0 ? true : undefined),
        'the subscription to end',
        2000,
      );
      expect((await follow(token)).status).to.equal(404);
      const fresh = await follow((replaced.body.tracking_url as string).split('/').at(-1)!);
      expect(fresh.status).to.equal(200);
    });

    it('when many pages follow one delivery, then a change is read once and each page gets it exactly once', async () => {
      const { id, token } = await trackedDelivery();
      const pages = await Promise.all(Array.from({ length: 40 }, () => follow(token)));
      await Promise.all(pages.map((page) => page.waitFor(() => views(page).length === 1)));
      const hub = stack().deps.trackingHub;
      // Any read still under way for the pages just opened ends before the change is made.
      await hub.refresh(id);
      const readsBefore = hub.reads;

      const { boss, ada } = await people();
      await change(id, 'assign', boss.token, { admin_id: ada.user.id });
      await Promise.all(pages.map((page) => page.waitFor(() => views(page).length === 2)));
      expect(hub.reads - readsBefore).to.be.at.most(2);
      const expected = (await trackJson(token)).body;
      for (const page of pages) expect(views(page)).to.deep.equal([views(pages[0]!)[0], expected]);
    });
  });
});
