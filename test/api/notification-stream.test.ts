import type { Server } from 'node:http';
import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../../src/api/app';
import { closeServer, listen } from '../../src/api/listen';
import { notice, recordDeliveryNotifications } from '../support/notifications';
import { SseClient } from '../support/sse-client';
import { expectValidBy } from '../support/openapi-contract';
import { stack } from '../support/stack';
import { bearer, createUserWithToken } from '../support/users';
import { waitFor } from '../support/wait-for';
import { baseUrl } from '../support/base-url';

const ids = (client: SseClient) => client.notifications().map((e) => Number(e.id));

describe('notification stream (SSE)', () => {
  let server: Server;
  let base: string;
  const open: SseClient[] = [];

  before(async () => {
    const { deps, config } = stack();
    // A one-second heartbeat so the heartbeat test does not wait fifteen.
    const app = createApp({ ...deps, config: { ...config, SSE_HEARTBEAT_SECONDS: 1 } });
    server = await listen(app, 0, '127.0.0.1');
    base = `${baseUrl(server)}/api/v1/notifications/stream`;
  });

  afterEach(() => open.splice(0).forEach((c) => c.close()));
  after(() => closeServer(server));

  async function connect(url: string, headers: Record<string, string> = {}) {
    const client = await SseClient.open(url, headers);
    open.push(client);
    return client;
  }

  async function partnerWithStream(headers: Record<string, string> = {}) {
    const partner = await createUserWithToken({ role: 'partner' });
    const client = await connect(base, { ...bearer(partner.token), ...headers });
    await client.waitFor((events) => events.length > 0); // the retry hint: subscribed
    return { partner, client };
  }

  const record = (partnerId: string, toStatus: 'IN_TRANSIT' | 'COMPLETED' | 'FAILED') =>
    recordDeliveryNotifications(notice({ partnerId, toStatus }));

  it('when a notification is stored, then the open stream gets it at once as a `notification` event', async () => {
    const { partner, client } = await partnerWithStream();
    expect(client.status).to.equal(200);
    expect(client.headers['content-type']).to.match(/^text\/event-stream/);
    expect(client.headers['cache-control']).to.match(/no-cache/);

    const change = notice({ partnerId: partner.user.id, toStatus: 'COMPLETED' });
    await recordDeliveryNotifications(change);
    await client.waitFor(() => client.notifications().length === 1, 1000);

    const [event] = client.notifications();
    const row = await stack().db('notifications').where({ user_id: partner.user.id }).first();
    expect(event!.id).to.equal(String(row.seq));
    expect(JSON.parse(event!.data!)).to.deep.include({
      id: row.id,
      type: 'delivery.status_changed',
      delivery_id: change.deliveryId,
      read_at: null,
    });
  });

  it('when an event arrives, then it matches the documented event schema and its data the Notification', async () => {
    const doc = (await request(stack().app.callback()).get('/api/v1/openapi.json')).body;
    const media = doc.paths['/api/v1/notifications/stream'].get.responses['200'].content;
    const schema = media['text/event-stream'].schema;
    const { partner, client } = await partnerWithStream();
    await record(partner.user.id, 'IN_TRANSIT');
    await client.waitFor(() => client.notifications().length === 1, 1000);
    const [event] = client.notifications();
    const { id, event: name, data } = event!;
    expectValidBy(schema, { id, event: name, data });
    expectValidBy(schema.properties.data.contentSchema, JSON.parse(data!));
  });

  it("when another user's notification is stored, then it does not reach this stream", async () => {
    const { client } = await partnerWithStream();
    const other = await createUserWithToken({ role: 'partner' });
    await record(other.user.id, 'IN_TRANSIT');
    const otherClient = await connect(base, bearer(other.token));
    await otherClient.waitFor((events) => events.length > 0);
    await record(other.user.id, 'COMPLETED');
    await otherClient.waitFor(() => otherClient.notifications().length === 1);
    expect(client.notifications()).to.have.length(0);
  });

  it('when a notification is too long for a NOTIFY payload, then the stream reads it back whole', async () => {
    const { partner, client } = await partnerWithStream();
    const reason = 'x'.repeat(9000);
    await recordDeliveryNotifications(
      notice({ partnerId: partner.user.id, toStatus: 'FAILED', reason }),
    );
    await client.waitFor(() => client.notifications().length === 1);
    expect(JSON.parse(client.notifications()[0]!.data!).message).to.have.string(reason);
  });

  it('when a stream opens without Last-Event-ID, then earlier notifications are not replayed', async () => {
    const partner = await createUserWithToken({ role: 'partner' });
    await record(partner.user.id, 'IN_TRANSIT');
    const client = await connect(base, bearer(partner.token));
    await client.waitFor((events) => events.length > 0);
    await record(partner.user.id, 'COMPLETED');
    await client.waitFor(() => client.notifications().length === 1);
    expect(JSON.parse(client.notifications()[0]!.data!).title).to.equal('Delivery completed');
  });

  it('when reconnecting with Last-Event-ID, then the missed ones are replayed in order, then live ones follow, without duplicates', async () => {
    const { partner, client } = await partnerWithStream();
    await record(partner.user.id, 'IN_TRANSIT');
    await client.waitFor(() => client.notifications().length === 1);
    const [lastSeen] = ids(client);
    client.close();

    await record(partner.user.id, 'COMPLETED');
    await record(partner.user.id, 'FAILED');
    const resumed = await connect(base, {
      ...bearer(partner.token),
      'Last-Event-ID': String(lastSeen),
    });
    await resumed.waitFor(() => resumed.notifications().length === 2);
    await record(partner.user.id, 'IN_TRANSIT');
    await resumed.waitFor(() => resumed.notifications().length === 3);

    const seqs = (
      await stack().db('notifications').where({ user_id: partner.user.id }).orderBy('seq')
    ).map((r: { seq: string }) => Number(r.seq));
    expect([lastSeen, ...ids(resumed)]).to.deep.equal(seqs);
    expect(resumed.notifications().map((e) => JSON.parse(e.data!).title)).to.deep.equal([
      'Delivery completed',
      'Delivery failed',
      'Delivery in transit',
    ]);
  });

  it('when resuming through ?last_event_id=, then the missed ones are replayed too', async () => {
    const partner = await createUserWithToken({ role: 'partner' });
    await record(partner.user.id, 'IN_TRANSIT');
    await record(partner.user.id, 'COMPLETED');
    const [first] = await stack()
      .db('notifications')
      .where({ user_id: partner.user.id })
      .orderBy('seq');
    const client = await connect(`${base}?last_event_id=${first.seq}`, bearer(partner.token));
    await client.waitFor(() => client.notifications().length === 1);
    expect(JSON.parse(client.notifications()[0]!.data!).title).to.equal('Delivery completed');
  });

  it('when the stream is idle, then heartbeat comments keep it open', async () => {
    const { client } = await partnerWithStream();
    await client.waitFor((events) => events.some((e) => e.comments.includes('ping')), 3000);
  });

  it('when the user is deactivated while the stream is open, then the server ends it within a heartbeat', async () => {
    const { partner } = await partnerWithStream();
    const hub = stack().deps.notificationHub;
    expect(hub.subscriberCount(partner.user.id)).to.equal(1);
    await stack().db('users').where({ id: partner.user.id }).update({ is_active: false });
    await waitFor(
      async () => (hub.subscriberCount(partner.user.id) === 0 ? true : undefined),
      'the stream of the deactivated user to end',
      3000,
    );
  });

  it('when the client disconnects, then its subscription is dropped', async () => {
    const { partner, client } = await partnerWithStream();
    const hub = stack().deps.notificationHub;
    expect(hub.subscriberCount(partner.user.id)).to.equal(1);
    client.close();
    await waitFor(
      async () => (hub.subscriberCount(partner.user.id) === 0 ? true : undefined),
      'the subscription to be dropped',
      2000,
    );
  });

  it('when the hub loses its database connection, then it reconnects and the stream replays what was stored meanwhile', async () => {
    const { partner, client } = await partnerWithStream();
    await stack().db.raw(
      "select pg_terminate_backend(pid) from pg_stat_activity where query ilike 'LISTEN %'",
    );
    await record(partner.user.id, 'IN_TRANSIT');
    await client.waitFor(() => client.notifications().length === 1, 10_000);
    await record(partner.user.id, 'COMPLETED');
    await client.waitFor(() => client.notifications().length === 2);
    expect(client.notifications().map((e) => JSON.parse(e.data!).title)).to.deep.equal([
      'Delivery in transit',
      'Delivery completed',
    ]);
  });

  it('when there are no credentials or a bad Last-Event-ID, then 401 and 400', async () => {
    const anonymous = await connect(base);
    expect(anonymous.status).to.equal(401);
    expect(anonymous.headers['www-authenticate']).to.equal('Bearer');
    const partner = await createUserWithToken({ role: 'partner' });
    // An empty header is an invalid id too, not an absent one.
    for (const lastEventId of ['abc', '']) {
      const bad = await connect(base, { ...bearer(partner.token), 'Last-Event-ID': lastEventId });
      expect(bad.status).to.equal(400);
      expect(JSON.parse(await bad.body).errors).to.deep.equal([
        { field: 'Last-Event-ID', message: 'must be an event id this stream sent' },
      ]);
    }
    const query = await connect(`${base}?last_event_id=abc`, bearer(partner.token));
    expect(query.status).to.equal(400);
    expect(JSON.parse(await query.body).errors).to.deep.equal([
      { field: 'last_event_id', message: 'must be an event id this stream sent' },
    ]);
  });

  describe('tickets for browsers', () => {
    async function ticketFor(token: string) {
      const res = await request(stack().app.callback())
        .post('/api/v1/notifications/stream-ticket')
        .set(bearer(token));
      expect(res.status).to.equal(201);
      return res.body as { ticket: string; expires_in: number };
    }

    it('when a ticket is used, then the stream opens for its user and the ticket is stored only hashed', async () => {
      const admin = await createUserWithToken({ role: 'admin' });
      const { ticket, expires_in } = await ticketFor(admin.token);
      expect(expires_in).to.equal(60);
      expect(ticket).to.match(/^[A-Za-z0-9_-]{43}$/);
      const stored = await stack()
        .db('notification_stream_tickets')
        .where({ user_id: admin.user.id });
      expect(stored).to.have.length(1);
      expect(stored[0].ticket_hash).to.not.equal(ticket);

      const client = await connect(`${base}?ticket=${ticket}`);
      expect(client.status).to.equal(200);
      await client.waitFor((events) => events.length > 0);
      await recordDeliveryNotifications(
        notice({ type: 'cancelled', toStatus: 'CANCELLED', assignedTo: admin.user.id }),
      );
      await client.waitFor(() => client.notifications().length === 1);
      expect(JSON.parse(client.notifications()[0]!.data!).type).to.equal('delivery.cancelled');
    });

    it('when a ticket is used twice, then the second attempt is 401', async () => {
      const partner = await createUserWithToken({ role: 'partner' });
      const { ticket } = await ticketFor(partner.token);
      expect((await connect(`${base}?ticket=${ticket}`)).status).to.equal(200);
      const again = await connect(`${base}?ticket=${ticket}`);
      expect(again.status).to.equal(401);
      expect(JSON.parse(await again.body).detail).to.match(/invalid, expired or already used/);
    });

    it('when a ticket has expired, then it is refused with 401', async () => {
      const partner = await createUserWithToken({ role: 'partner' });
      const { ticket } = await ticketFor(partner.token);
      await stack()
        .db('notification_stream_tickets')
        .where({ user_id: partner.user.id })
        .update({ expires_at: stack().db.raw("now() - interval '1 second'") });
      expect((await connect(`${base}?ticket=${ticket}`)).status).to.equal(401);
    });

    it('when a bearer header comes with a ticket, then the header wins and the ticket stays unspent', async () => {
      const partner = await createUserWithToken({ role: 'partner' });
      const { ticket } = await ticketFor(partner.token);
      const both = await connect(`${base}?ticket=${ticket}`, bearer(partner.token));
      expect(both.status).to.equal(200);
      expect((await connect(`${base}?ticket=${ticket}`)).status).to.equal(200);
    });

    it('when an Authorization header that is not a bearer token comes with a ticket, then 401 and the ticket stays unspent', async () => {
      const partner = await createUserWithToken({ role: 'partner' });
      const { ticket } = await ticketFor(partner.token);
      for (const authorization of ['Basic abc', 'Bearer two words', '']) {
        const refused = await connect(`${base}?ticket=${ticket}`, { Authorization: authorization });
        expect(refused.status).to.equal(401);
        expect(JSON.parse(await refused.body).detail).to.equal(
          'The Authorization header must be "Bearer <token>".',
        );
      }
      expect((await connect(`${base}?ticket=${ticket}`)).status).to.equal(200);
    });

    it('when the OpenAPI document describes the stream, then it names both credentials', async () => {
      const res = await request(stack().app.callback()).get('/api/v1/openapi.json');
      const operation = res.body.paths['/api/v1/notifications/stream'].get;
      // A partner's API key opens the stream too (it acts as its partner).
      expect(operation.security).to.deep.equal([
        { bearerAuth: [] },
        { apiKey: [] },
        { ticketQuery: [] },
      ]);
      expect(res.body.components.securitySchemes.ticketQuery).to.deep.include({
        type: 'apiKey',
        in: 'query',
        name: 'ticket',
      });
      // The Authorize dialog shows the scheme: it must say where a ticket comes from.
      expect(res.body.components.securitySchemes.ticketQuery.description).to.include(
        'POST /api/v1/notifications/stream-ticket',
      );
    });

    it('when a ticket is unknown, then 401', async () => {
      expect((await connect(`${base}?ticket=not-a-ticket`)).status).to.equal(401);
    });
  });
});
