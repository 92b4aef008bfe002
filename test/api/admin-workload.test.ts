import { expect } from 'chai';
import request from 'supertest';
import { expectDocumented } from '../support/openapi-contract';
import { stack } from '../support/stack';
import { deliveryBody } from '../support/deliveries';
import { bearer, createUserWithToken, type TestUser } from '../support/users';

const api = () => request(stack().app.callback());
const WORKLOAD = '/api/v1/admins/workload';

interface Workload {
  admin_id: string;
  email: string;
  first_name: string;
  last_name: string;
  open_deliveries: number;
  available: boolean;
  capacity: number | null;
  pending_offers: number;
}

type Admin = TestUser & { token: string };

describe('GET /admins/workload', () => {
  let boss: string;
  let partner: string;

  before(async () => {
    boss = (await createUserWithToken({ role: 'super_admin' })).token;
    partner = (await createUserWithToken({ role: 'partner' })).token;
  });

  async function send(path: string, token: string, body: object = {}): Promise<void> {
    const res = await api().post(path).set(bearer(token)).send(body);
    expect(res.status, `${path}: ${JSON.stringify(res.body)}`).to.be.oneOf([200, 201]);
  }

  /** A new delivery taken through the API: assigned to each admin in turn, then moved on. */
  async function delivery(
    assignees: Admin[],
    steps: ('IN_TRANSIT' | 'COMPLETED' | 'FAILED' | 'cancel')[] = [],
  ) {
    const created = await api()
      .post('/api/v1/deliveries')
      .set(bearer(partner))
      .send(deliveryBody());
    expect(created.status).to.equal(201);
    const path = `/api/v1/deliveries/${created.body.id}`;
    for (const admin of assignees) await send(`${path}/assign`, boss, { admin_id: admin.user.id });
    const holder = assignees.at(-1)!;
    for (const step of steps) {
      if (step === 'cancel') await send(`${path}/cancel`, boss);
      else {
        const failure = step === 'FAILED' ? { failure_reason: 'refused' } : {};
        await send(`${path}/status`, holder.token, {
          status: step,
          reason: 'Test step',
          ...failure,
        });
      }
    }
  }

  const admin = (first_name: string, last_name: string) =>
    createUserWithToken({ role: 'admin', first_name, last_name });

  it('when admins hold deliveries in every status, then each counts their ASSIGNED and IN_TRANSIT ones, least loaded first, then by name', async () => {
    const [busy, light, mia, lea, gone] = await Promise.all([
      admin('Abe', 'Busy'),
      admin('Zed', 'Light'),
      admin('Mia', 'Idle'),
      admin('lea', 'Idle'),
      admin('Gil', 'Gone'),
    ]);
    await Promise.all([
      delivery([busy]),
      delivery([busy]),
      delivery([busy], ['IN_TRANSIT']),
      delivery([busy], ['IN_TRANSIT', 'COMPLETED']),
      delivery([busy], ['IN_TRANSIT', 'FAILED']),
      // Reassigned: it leaves the first admin's count for the second's.
      delivery([busy, light]),
      delivery([light], ['cancel']),
      delivery([mia], ['cancel']),
      delivery([gone]),
      delivery([]),
    ]);
    const deactivated = await api()
      .patch(`/api/v1/users/${gone.user.id}`)
      .set(bearer(boss))
      .send({ is_active: false });
    expect(deactivated.status).to.equal(200);

    const res = await api().get(WORKLOAD).set(bearer(boss));

    expect(res.status).to.equal(200);
    const rows = res.body.data as Workload[];
    const mine = [busy, light, mia, lea, gone].map((a) => a.user.id);
    const expected: [Admin, number][] = [
      [lea, 0],
      [mia, 0],
      [light, 1],
      [busy, 3],
    ];
    expect(rows.filter((row) => mine.includes(row.admin_id))).to.deep.equal(
      expected.map(([{ user }, open]) => ({
        admin_id: user.id,
        email: user.email,
        first_name: user.first_name,
        last_name: user.last_name,
        open_deliveries: open,
        available: true,
        capacity: null,
        pending_offers: 0,
      })),
    );
    const counts = rows.map((row) => row.open_deliveries);
    expect(counts).to.deep.equal([...counts].sort((a, b) => a - b));
    const stored = await stack()
      .db('users')
      .whereIn(
        'id',
        rows.map((row) => row.admin_id),
      )
      .select('role', 'is_active');
    expect(stored).to.have.length(rows.length);
    expect(stored.every((user) => user.role === 'admin' && user.is_active)).to.equal(true);
  });

  it('when the answer is checked against the OpenAPI document, then it matches', async () => {
    await admin('Doc', 'Checked');
    const [doc, res] = await Promise.all([
      api().get('/api/v1/openapi.json'),
      api().get(WORKLOAD).set(bearer(boss)),
    ]);
    expect(res.status).to.equal(200);
    expect(res.body.data).to.have.length.greaterThan(0);
    expectDocumented(doc.body, WORKLOAD, 'get', res);
  });

  for (const role of ['partner', 'admin'] as const) {
    it(`when the caller's role is ${role}, then 403 problem and no workload`, async () => {
      const { token } = await createUserWithToken({ role });
      const res = await api().get(WORKLOAD).set(bearer(token));
      expect(res.status).to.equal(403);
      expect(res.headers['content-type']).to.match(/^application\/problem\+json/);
      expect(res.body).to.include({ status: 403 });
      expect(res.body).to.not.have.property('data');
    });
  }

  it('when no one is signed in, then 401 problem', async () => {
    const res = await api().get(WORKLOAD);
    expect(res.status).to.equal(401);
    expect(res.headers['content-type']).to.match(/^application\/problem\+json/);
    expect(res.body).to.include({ status: 401 });
  });
});
