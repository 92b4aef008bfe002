import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import request from 'supertest';
import { seedDeliveriesSql } from '../../bench/lists';
import { createdDeliveryId } from '../support/deliveries';
import { stack } from '../support/stack';
import { bearer, createUserWithToken } from '../support/users';

type Who = Awaited<ReturnType<typeof createUserWithToken>>;
const api = () => request(stack().app.callback());

/** The export's header row, written out here rather than imported: the columns are a contract. */
const HEADER = [
  'id',
  'status',
  'product_name',
  'delivery_address',
  'delivery_date',
  'dropoff_window_start',
  'dropoff_window_end',
  'recipient_name',
  'recipient_phone',
  'recipient_email',
  'notes',
  'proof_required',
  'partner_id',
  'assigned_to',
  'failure_reason',
  'received_by',
  'tracking_url',
  'created_at',
  'updated_at',
  'sandbox',
];

/** An RFC 4180 reader, independent of the writer: quoted fields, doubled quotes, CRLF records. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let i = 0;
  while (i < text.length) {
    if (text[i] === '"') {
      i++;
      while (i < text.length) {
        if (text[i] === '"' && text[i + 1] === '"') [field, i] = [field + '"', i + 2];
        else if (text[i] === '"') break;
        else [field, i] = [field + text[i], i + 1];
      }
      i++;
    } else if (text[i] === ',') {
      record.push(field);
      [field, i] = ['', i + 1];
    } else if (text.startsWith('\r\n', i)) {
      record.push(field);
      records.push(record);
      [record, field, i] = [[], '', i + 2];
    } else {
      [field, i] = [field + text[i], i + 1];
    }
  }
  expect(field, 'the last record ends with CRLF').to.equal('');
  expect(record).to.deep.equal([]);
  return records;
}

/** The records as objects keyed by the header row, which must be HEADER. */
function rowsOf(res: request.Response): Record<string, string>[] {
  expect(res.status, res.text).to.equal(200);
  const [header, ...records] = parseCsv(res.text);
  expect(header).to.deep.equal(HEADER);
  return records.map((record) => {
    expect(record).to.have.length(HEADER.length);
    return Object.fromEntries(HEADER.map((name, i) => [name, record[i]!]));
  });
}

const exportAs = (who: Who, query: Record<string, string> = {}) =>
  api()
    .get('/api/v1/deliveries/export')
    .query(query)
    .set(bearer(who.token))
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });

/** supertest's `text` stays empty with a custom parser: decode the bytes as UTF-8 ourselves. */
async function csvOf(pending: ReturnType<typeof exportAs>): Promise<request.Response> {
  const res = await pending;
  Object.defineProperty(res, 'text', { value: (res.body as Buffer).toString('utf8') });
  return res;
}

const create = createdDeliveryId;

describe('deliveries API: CSV export', () => {
  let partner: Who;
  let otherPartner: Who;
  let admin: Who;
  let boss: Who;
  let tag: string;
  let quotedId: string;
  let assignedId: string;

  before(async () => {
    [partner, otherPartner, admin, boss] = await Promise.all([
      createUserWithToken({ role: 'partner' }),
      createUserWithToken({ role: 'partner' }),
      createUserWithToken({ role: 'admin' }),
      createUserWithToken({ role: 'super_admin' }),
    ]);
    tag = randomUUID().slice(0, 8);
    quotedId = await create(partner, {
      product_name: `Crème brûlée torch, "Pro"\nset ${tag}`,
      recipient_name: 'Zoë Ärger',
      recipient_phone: '+33 6 12 34 56 78',
      notes: '=HYPERLINK("https://evil.example")',
    });
    assignedId = await create(partner, { product_name: `Lamp ${tag}` });
    const res = await api()
      .post(`/api/v1/deliveries/${assignedId}/assign`)
      .set(bearer(boss.token))
      .send({ admin_id: admin.user.id });
    expect(res.status).to.equal(200);
  });

  it('when a partner exports, then it gets an RFC 4180 UTF-8 file with a header row, its fields quoted where needed', async () => {
    const res = await csvOf(exportAs(partner, { q: tag }));
    expect(res.headers['content-type']).to.equal('text/csv; charset=utf-8; header=present');
    expect(res.headers['content-disposition']).to.match(
      /^attachment; filename="deliveries-\d{4}-\d{2}-\d{2}\.csv"$/,
    );
    expect(res.headers['cache-control']).to.equal('no-store');
    // Quoted because of the comma, the quotes (doubled) and the line feed inside the field.
    expect(res.text).to.contain(`"Crème brûlée torch, ""Pro""\nset ${tag}"`);
    const rows = rowsOf(res);
    expect(rows.map((r) => r['id'])).to.deep.equal([assignedId, quotedId]);
    const [assigned, quoted] = rows as [Record<string, string>, Record<string, string>];
    expect(quoted).to.include({
      status: 'CREATED',
      product_name: `Crème brûlée torch, "Pro"\nset ${tag}`,
      delivery_address: '1 Main St, Springfield',
      delivery_date: '2030-01-01',
      recipient_name: 'Zoë Ärger',
      // Spreadsheets would run these as formulas: an apostrophe keeps them text.
      recipient_phone: "'+33 6 12 34 56 78",
      notes: `'=HYPERLINK("https://evil.example")`,
      proof_required: 'false',
      partner_id: partner.user.id,
      assigned_to: '',
      dropoff_window_start: '',
    });
    const detail = await api().get(`/api/v1/deliveries/${quotedId}`).set(bearer(partner.token));
    expect(quoted['tracking_url']).to.equal(detail.body.tracking_url);
    expect(quoted['created_at']).to.equal(detail.body.created_at);
    expect(assigned).to.include({ status: 'ASSIGNED', assigned_to: admin.user.id });
    expect(rows.map((r) => r['sandbox'])).to.deep.equal(['false', 'false']);
  });

  it('when a partner exports after creating with a sandbox key, then the sandbox column tells its test deliveries apart', async () => {
    const keyed = await api()
      .post('/api/v1/api-keys')
      .set(bearer(partner.token))
      .send({ name: `sandbox ${tag}`, sandbox: true });
    expect(keyed.status, JSON.stringify(keyed.body)).to.equal(201);
    const sandboxTag = randomUUID().slice(0, 8);
    const testId = await create(
      { ...partner, token: keyed.body.key as string },
      { product_name: `Test lamp ${sandboxTag}` },
    );
    const liveId = await create(partner, { product_name: `Live lamp ${sandboxTag}` });
    const rows = rowsOf(await csvOf(exportAs(partner, { q: sandboxTag })));
    expect(Object.fromEntries(rows.map((r) => [r['id'], r['sandbox']]))).to.deep.equal({
      [testId]: 'true',
      [liveId]: 'false',
    });
  });

  it('when each role exports, then it gets exactly the deliveries its list shows', async () => {
    const idsFor = async (who: Who, query: Record<string, string> = {}) =>
      rowsOf(await csvOf(exportAs(who, { q: tag, ...query }))).map((r) => r['id']);
    expect(await idsFor(otherPartner)).to.deep.equal([]);
    expect(await idsFor(admin)).to.deep.equal([assignedId]);
    expect(await idsFor(boss)).to.deep.equal([assignedId, quotedId]);
    expect(await idsFor(boss, { partner_id: otherPartner.user.id })).to.deep.equal([]);
    const other = await createUserWithToken({ role: 'admin' });
    expect(await idsFor(other)).to.deep.equal([]);
  });

  it('when filters are given, then the export applies them as the list does', async () => {
    const idsFor = async (query: Record<string, string>) =>
      rowsOf(await csvOf(exportAs(partner, { q: tag, ...query }))).map((r) => r['id']);
    expect(await idsFor({ status: 'ASSIGNED' })).to.deep.equal([assignedId]);
    expect(await idsFor({ status: 'CREATED' })).to.deep.equal([quotedId]);
    expect(await idsFor({ assigned_to: admin.user.id })).to.deep.equal([assignedId]);
    expect(await idsFor({ date_from: '2030-01-02' })).to.deep.equal([]);
    const list = await api()
      .get('/api/v1/deliveries')
      .query({ q: tag, status: 'ASSIGNED' })
      .set(bearer(partner.token));
    expect(list.body.data.map((d: { id: string }) => d.id)).to.deep.equal([assignedId]);
  });

  it('when a filter is invalid or a paging parameter is sent, then the answer is a 400 problem naming it', async () => {
    for (const [query, field] of [
      [{ status: 'LOST' }, 'status'],
      [{ q: 'ab' }, 'q'],
      [{ limit: '10' }, 'limit'],
    ] as const) {
      const res = await api()
        .get('/api/v1/deliveries/export')
        .query(query)
        .set(bearer(partner.token));
      expect(res.status).to.equal(400);
      expect(res.headers['content-type']).to.match(/^application\/problem\+json/);
      expect(res.body.errors.map((e: { field: string }) => e.field).join(' ')).to.contain(field);
    }
  });

  it('when there are more deliveries than one page, then every one is exported once, newest first', async () => {
    const seeded = await createUserWithToken({ role: 'partner' });
    const COUNT = 2345;
    await stack().db.raw(
      seedDeliveriesSql({
        count: COUNT,
        partnerIds: [seeded.user.id],
        adminIds: [admin.user.id],
        focusShare: 0,
        days: 30,
      }),
    );
    const rows = rowsOf(await csvOf(exportAs(seeded)));
    expect(rows).to.have.length(COUNT);
    expect(new Set(rows.map((r) => r['id'])).size).to.equal(COUNT);
    const created = rows.map((r) => r['created_at']!);
    expect(created).to.deep.equal([...created].sort().reverse());
    expect(rows.every((r) => r['partner_id'] === seeded.user.id)).to.equal(true);
  });

  it('when the caller has no token, then the export is a 401 problem', async () => {
    const res = await api().get('/api/v1/deliveries/export');
    expect(res.status).to.equal(401);
    expect(res.headers['content-type']).to.match(/^application\/problem\+json/);
  });
});
