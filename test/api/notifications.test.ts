import { expect } from 'chai';
import request from 'supertest';
import { emailsIn, notice, recordDeliveryNotifications, webhookIn } from '../support/notifications';
import { stack } from '../support/stack';
import { bearer, createUserWithToken } from '../support/users';

const api = () => request(stack().app.callback());

async function people() {
  const partner = await createUserWithToken({ role: 'partner' });
  const admin = await createUserWithToken({ role: 'admin' });
  return { partner, admin };
}

describe('emails planned for a change', () => {
  it('when a delivery with recipient_email goes IN_TRANSIT and the change is planned twice, then its recipient gets one email, keyed by the event, HTML-escaped, with the tracking link', async () => {
    const { partner } = await people();
    const change = notice({
      partnerId: partner.user.id,
      productName: 'Lamp <b>&</b> "shade"',
      recipientEmail: 'ada@example.test',
      dropoffWindow: { start: '2030-01-01T14:00:00.000Z', end: '2030-01-01T16:00:00.000Z' },
    });
    const first = emailsIn(await recordDeliveryNotifications(change));
    const again = emailsIn(await recordDeliveryNotifications(change));
    expect(again).to.deep.equal(first);

    const trackingUrl = `${stack().config.PUBLIC_URL}/track/${change.trackingToken}`;
    const toRecipient = first.filter((email) => email.to === 'ada@example.test');
    expect(toRecipient).to.have.length(1);
    expect(toRecipient[0]).to.deep.equal({
      key: `${change.eventKey}:recipient:email`,
      to: 'ada@example.test',
      subject: 'Your delivery of Lamp <b>&</b> "shade" is on its way',
      textBody:
        'Your delivery of Lamp <b>&</b> "shade" is on its way. It should arrive on Tue, 1 Jan 2030 between 14:00 and 16:00 (UTC).\n\n' +
        `Follow your delivery: ${trackingUrl}\n`,
      htmlBody:
        '<p>Your delivery of Lamp &lt;b&gt;&amp;&lt;/b&gt; &quot;shade&quot; is on its way. It should arrive on Tue, 1 Jan 2030 between 14:00 and 16:00 (UTC).</p>' +
        `<p>Follow your delivery: <a href="${trackingUrl}">${trackingUrl}</a></p>`,
      tag: 'recipient.in_transit',
    });
    const toPartner = first.find((email) => email.to === partner.user.email);
    expect(toPartner!.htmlBody)
      .to.include('Lamp &lt;b&gt;&amp;&lt;/b&gt;')
      .and.include(`<a href="${trackingUrl}">`)
      .and.include(`/console#/deliveries/${change.deliveryId}`)
      .and.not.include('<b>&</b>');
  });

  it('when a delivery without recipient_email changes, then only users are emailed', async () => {
    const { partner } = await people();
    const emails = emailsIn(
      await recordDeliveryNotifications(notice({ partnerId: partner.user.id })),
    );
    expect(emails.map((email) => email.to)).to.deep.equal([partner.user.email]);
  });

  it('when a delivery is reassigned, then its recipient is not emailed again', async () => {
    const { partner, admin } = await people();
    const change = notice({
      type: 'assigned',
      partnerId: partner.user.id,
      assignedTo: admin.user.id,
      fromStatus: 'ASSIGNED',
      toStatus: 'ASSIGNED',
      recipientEmail: 'ada@example.test',
    });
    const emails = emailsIn(await recordDeliveryNotifications(change));
    expect(emails.map((email) => email.to)).to.have.members([admin.user.email, partner.user.email]);
  });
});

describe('in-app notifications', () => {
  it('when the same change is recorded twice (an activity retry), then each recipient has one notification', async () => {
    const { partner, admin } = await people();
    const change = notice({
      type: 'assigned',
      partnerId: partner.user.id,
      assignedTo: admin.user.id,
      toStatus: 'ASSIGNED',
    });
    const first = await recordDeliveryNotifications(change);
    const second = await recordDeliveryNotifications(change);

    const rows = await stack()
      .db('notifications')
      .where('event_key', 'like', `${change.eventKey}:%`)
      .orderBy('event_key');
    expect(rows).to.have.length(2);
    expect(rows.map((r: { user_id: string }) => r.user_id)).to.have.members([
      admin.user.id,
      partner.user.id,
    ]);
    expect(emailsIn(second)).to.deep.equal(emailsIn(first));
    expect(emailsIn(first).map((e) => e.to)).to.have.members([
      admin.user.email,
      partner.user.email,
    ]);
    expect(emailsIn(first)[0]?.key).to.match(new RegExp(`^${change.eventKey}:.+:email$`));
    expect(webhookIn(first)).to.equal(null);
  });

  it('when a partner lists notifications, then only their own appear, newest first, with the issue fields', async () => {
    const { partner, admin } = await people();
    const ids = { partnerId: partner.user.id, assignedTo: admin.user.id };
    await recordDeliveryNotifications(notice({ ...ids, type: 'assigned', toStatus: 'ASSIGNED' }));
    const transit = notice({ ...ids, toStatus: 'IN_TRANSIT' });
    await recordDeliveryNotifications(transit);

    const res = await api().get('/api/v1/notifications').set(bearer(partner.token));
    expect(res.status).to.equal(200);
    expect(res.body.data).to.have.length(2);
    expect(res.body.data[0]).to.have.keys([
      'id',
      'type',
      'title',
      'message',
      'delivery_id',
      'read_at',
      'created_at',
    ]);
    expect(res.body.data[0]).to.include({
      type: 'delivery.status_changed',
      delivery_id: transit.deliveryId,
      read_at: null,
    });
    expect(res.body.data[1].type).to.equal('delivery.assigned');

    const adminView = await api().get('/api/v1/notifications').set(bearer(admin.token));
    expect(adminView.body.data.map((n: { type: string }) => n.type)).to.deep.equal([
      'delivery.assigned',
    ]);
  });

  it('when listing with limit=1, then the cursor walks the pages without repeats', async () => {
    const { partner } = await people();
    for (const toStatus of ['IN_TRANSIT', 'COMPLETED'] as const) {
      await recordDeliveryNotifications(notice({ partnerId: partner.user.id, toStatus }));
    }
    const first = await api().get('/api/v1/notifications?limit=1').set(bearer(partner.token));
    expect(first.body.data).to.have.length(1);
    expect(first.body.next_cursor).to.be.a('string');
    const second = await api()
      .get(`/api/v1/notifications?limit=1&cursor=${first.body.next_cursor}`)
      .set(bearer(partner.token));
    expect(second.body.data).to.have.length(1);
    expect(second.body.data[0].id).to.not.equal(first.body.data[0].id);
    expect(second.body.next_cursor).to.equal(null);
  });

  it('when one is marked read, then unread=true leaves it out and read_at is stored', async () => {
    const { partner } = await people();
    for (const toStatus of ['IN_TRANSIT', 'COMPLETED'] as const) {
      await recordDeliveryNotifications(notice({ partnerId: partner.user.id, toStatus }));
    }
    const list = await api().get('/api/v1/notifications').set(bearer(partner.token));
    const [newest, older] = list.body.data as { id: string }[];

    const read = await api()
      .post(`/api/v1/notifications/${older!.id}/read`)
      .set(bearer(partner.token));
    expect(read.status).to.equal(204);
    const again = await api()
      .post(`/api/v1/notifications/${older!.id}/read`)
      .set(bearer(partner.token));
    expect(again.status).to.equal(204);

    const unread = await api().get('/api/v1/notifications?unread=true').set(bearer(partner.token));
    expect(unread.body.data.map((n: { id: string }) => n.id)).to.deep.equal([newest!.id]);
    const row = await stack().db('notifications').where({ id: older!.id }).first();
    expect(row.read_at).to.be.instanceOf(Date);
  });

  it("when someone marks another user's notification read, then 404 and it stays unread", async () => {
    const { partner, admin } = await people();
    await recordDeliveryNotifications(notice({ partnerId: partner.user.id }));
    const [mine] = (await api().get('/api/v1/notifications').set(bearer(partner.token))).body.data;

    const res = await api().post(`/api/v1/notifications/${mine.id}/read`).set(bearer(admin.token));
    expect(res.status).to.equal(404);
    expect(res.body.type).to.match(/\/problems\/not-found$/);
    const row = await stack().db('notifications').where({ id: mine.id }).first();
    expect(row.read_at).to.equal(null);
  });

  it("when read-all is called, then all the caller's notifications are read and nobody else's", async () => {
    const { partner, admin } = await people();
    const ids = { partnerId: partner.user.id, assignedTo: admin.user.id };
    await recordDeliveryNotifications(notice({ ...ids, type: 'assigned', toStatus: 'ASSIGNED' }));
    await recordDeliveryNotifications(notice({ ...ids, toStatus: 'COMPLETED' }));

    const res = await api().post('/api/v1/notifications/read-all').set(bearer(partner.token));
    expect(res.status).to.equal(204);
    const rows = await stack()
      .db('notifications')
      .whereIn('user_id', [ids.partnerId, ids.assignedTo]);
    const unread = (id: string) =>
      rows.filter((r: { user_id: string; read_at: Date | null }) => r.user_id === id && !r.read_at);
    expect(unread(partner.user.id)).to.have.length(0);
    expect(unread(admin.user.id)).to.have.length(1);
  });

  it('when the list is asked without a token, then 401', async () => {
    const res = await api().get('/api/v1/notifications');
    expect(res.status).to.equal(401);
    expect(res.headers['www-authenticate']).to.equal('Bearer');
  });
});
