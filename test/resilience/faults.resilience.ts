import { expect } from 'chai';
import { createDb, type Db } from '../../src/db/knex';
import { connectClient } from '../../src/temporal/connect';
import { createUserOverHttp, signIn } from '../support/platform-http';
import type { ClusterService } from '../support/temporal-cluster';
import { waitFor } from '../support/wait-for';
import {
  RETRIED_STATUSES,
  RetryingClient,
  runLifecycle,
  type Actors,
  type Lifecycle,
  type Outcome,
} from './driver';
import { Fleet } from './fleet';

const LANES = 6;

/** One at a time, in this order; the worker service (Temporal's system workflows) is left alone. */
const CLUSTER_RESTARTS: ClusterService[] = ['history', 'matching', 'frontend'];

const EXPECTED_EVENTS: Record<Outcome, string[]> = {
  COMPLETED: [
    'created:CREATED',
    'assigned:ASSIGNED',
    'status_changed:IN_TRANSIT',
    'status_changed:COMPLETED',
  ],
  FAILED: [
    'created:CREATED',
    'assigned:ASSIGNED',
    'status_changed:IN_TRANSIT',
    'status_changed:FAILED',
  ],
  CANCELLED: ['created:CREATED', 'assigned:ASSIGNED', 'cancelled:CANCELLED'],
};

/** In-app notifications per delivery: [to the admin, to the partner]. */
const EXPECTED_NOTIFICATIONS: Record<Outcome, [number, number]> = {
  COMPLETED: [1, 3],
  FAILED: [1, 3],
  CANCELLED: [2, 2],
};

async function waitUntilClosed(fleet: Fleet, workflowIds: string[]): Promise<void> {
  const temporal = await connectClient({ ...fleet.temporalSettings });
  try {
    for (const workflowId of workflowIds) {
      await waitFor(
        async () => {
          const { status } = await temporal.workflow.getHandle(workflowId).describe();
          return status.name === 'RUNNING' ? undefined : true;
        },
        `workflow ${workflowId} to close`,
        120_000,
      );
    }
  } finally {
    await temporal.connection.close();
  }
}

/** How many times Postmark accepted each email key. */
function acceptedEmails(fleet: Fleet): Map<string, number> {
  const accepted = new Map<string, number>();
  for (const r of fleet.postmark.received.filter((x) => x.status === 200)) {
    const key = (r.body['Metadata'] as { key: string }).key;
    accepted.set(key, (accepted.get(key) ?? 0) + 1);
  }
  return accepted;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('the production build under faults (npm run test:resilience)', function () {
  this.timeout(300_000);
  let fleet: Fleet;
  let db: Db;
  let actors: Actors;

  before(async () => {
    fleet = await Fleet.start();
    db = createDb(fleet.infra.databaseUrl, 4);
    const [base] = fleet.apiBases();
    const boss = await signIn(base!, fleet.superAdmin.email, fleet.superAdmin.password);
    const [partner, admin] = [
      await createUserOverHttp(base!, boss, 'partner'),
      await createUserOverHttp(base!, boss, 'admin'),
    ];
    actors = { boss, partner, admin };
  });

  after(async () => {
    await db?.destroy();
    await fleet?.stop();
  });

  it('when a worker is SIGKILLed, PostgreSQL stops for 10 s under Temporal and the read model, Temporal history, matching and frontend restart one at a time and an API is SIGTERMed mid-flight, then every delivery ends once in its state, every notification and email arrives once, and clients saw only 2xx, 503 and 429', async () => {
    const client = new RetryingClient(() => fleet.apiBases());
    const done: Lifecycle[] = [];
    let stopping = false;
    let serial = 0;
    const lanes = Array.from({ length: LANES }, async () => {
      while (!stopping) done.push(await runLifecycle(client, actors, serial++));
    });
    const progress = (what: string) => {
      const target = done.length + LANES;
      return waitFor(
        async () => (done.length >= target ? true : undefined),
        `${LANES} more lifecycles after ${what}`,
        120_000,
      );
    };
    const log = (line: string) => console.log(`      ${new Date().toISOString()} ${line}`);
    // How long after a restart the first lifecycle begun after it ends: the platform works again.
    const restarts: { what: string; stoppedIn: number; at: number }[] = [];
    const recoveries = () =>
      restarts.map(({ what, stoppedIn, at }) => {
        const after = done.filter((l) => l.startedAt >= at).map((l) => l.endedAt - at);
        return `${what}: stopped in ${stoppedIn} ms; recovered: a lifecycle begun after its start ended ${Math.min(...after)} ms after it`;
      });

    const terminated = fleet.apiBases()[0]!;
    let sigtermAt = Infinity;
    const faults: [string, () => Promise<void>][] = [
      [
        'worker 0 SIGKILLed',
        async () => {
          await fleet.signal('worker', 0, 'SIGKILL');
          await progress('a worker was killed');
          await fleet.restart('worker', 0);
        },
      ],
      [
        "PostgreSQL (Temporal's and the read model's) stopped 10 s",
        async () => {
          const stopping = Date.now();
          await fleet.infra.stopPostgres();
          const stoppedIn = Date.now() - stopping;
          await sleep(10_000);
          await fleet.infra.startPostgres();
          restarts.push({ what: 'PostgreSQL', stoppedIn, at: Date.now() });
        },
      ],
      ...CLUSTER_RESTARTS.map((service): [string, () => Promise<void>] => [
        `Temporal ${service} restarted`,
        async () => {
          const stopping = Date.now();
          await fleet.infra.cluster.stopService(service);
          const at = Date.now();
          fleet.infra.cluster.startService(service);
          restarts.push({ what: `Temporal ${service}`, stoppedIn: at - stopping, at });
        },
      ]),
      [
        'API 0 SIGTERMed mid-flight',
        async () => {
          await waitFor(
            async () => (client.inFlightTo(terminated) > 0 ? true : undefined),
            'a request in flight on API 0',
          );
          log(`${client.inFlightTo(terminated)} requests in flight on API 0`);
          sigtermAt = Date.now();
          expect(await fleet.signal('api', 0, 'SIGTERM'), 'exit code after SIGTERM').to.equal(0);
          await fleet.restart('api', 0);
        },
      ],
    ];
    await progress('the start');
    for (const [name, inject] of faults) {
      log(`${done.length} lifecycles done; ${name}`);
      client.phase = name;
      await inject();
      await progress(name);
    }
    client.phase = 'after the faults';
    stopping = true;
    await Promise.all(lanes);
    log(`${done.length} lifecycles done`);
    for (const line of client.report()) log(line);
    for (const line of recoveries()) log(line);

    expect(
      fleet.infra.cluster.unexpectedExits(),
      'Temporal services that ended by themselves',
    ).to.deep.equal([]);
    const unexpected = client.exchanges.filter(
      (e) => e.status !== null && ![200, 201, ...RETRIED_STATUSES].includes(e.status),
    );
    expect(unexpected, 'answers other than 2xx, 503 and 429').to.deep.equal([]);
    const resets = client.exchanges.filter(
      (e) => e.failure === 'reset' && !(e.api === terminated && e.sentAt > sigtermAt),
    );
    expect(resets, 'connections reset for requests sent before the SIGTERM').to.deep.equal([]);
    for (const lifecycle of done) {
      expect(lifecycle.answers.slice(1), `changes of ${lifecycle.id}`).to.satisfy((a: number[]) =>
        a.every((s) => s === 200),
      );
    }

    const ids = done.map((l) => l.id);
    const rows: { id: string; status: string }[] = await db('deliveries')
      .whereIn('id', ids)
      .select('id', 'status');
    const events: { delivery_id: string; type: string; to_status: string }[] = await db(
      'delivery_events',
    )
      .whereIn('delivery_id', ids)
      .orderBy('at')
      .orderBy('seq')
      .select('delivery_id', 'type', 'to_status');
    const notifications: { delivery_id: string; user_id: string; event_key: string }[] = await db(
      'notifications',
    )
      .whereIn('delivery_id', ids)
      .select('delivery_id', 'user_id', 'event_key');
    expect(rows).to.have.length(done.length);
    const byDelivery = <T extends { delivery_id: string }>(list: T[], id: string) =>
      list.filter((x) => x.delivery_id === id);
    for (const { id, outcome } of done) {
      expect(rows.find((r) => r.id === id)?.status, id).to.equal(outcome);
      expect(
        byDelivery(events, id).map((e) => `${e.type}:${e.to_status}`),
        `timeline of ${id}`,
      ).to.deep.equal(EXPECTED_EVENTS[outcome]);
      const mine = byDelivery(notifications, id);
      expect(
        [actors.admin.id, actors.partner.id].map((u) => mine.filter((n) => n.user_id === u).length),
        `notifications of ${id}`,
      ).to.deep.equal(EXPECTED_NOTIFICATIONS[outcome]);
    }

    // A workflow closes after its last email activity: then nothing more can be sent.
    const closing = Date.now();
    await waitUntilClosed(
      fleet,
      done.map((l) => l.workflowId),
    );
    log(`every workflow closed ${Date.now() - closing} ms after the last answer`);
    const expectedEmails = new Set(notifications.map((n) => `${n.event_key}:email`));
    const accepted = new Map(
      [...acceptedEmails(fleet)].filter(([key]) => ids.includes(key.split(':')[0]!)),
    );
    const doubled = [...accepted].filter(([, count]) => count > 1);
    expect(doubled, 'emails Postmark accepted more than once').to.deep.equal([]);
    expect(
      [...expectedEmails].filter((key) => !accepted.has(key)),
      'emails never accepted',
    ).to.deep.equal([]);
    expect(accepted.size, 'emails accepted').to.equal(expectedEmails.size);
    log(
      `${done.length} deliveries, ${events.length} timeline events, ${notifications.length} notifications, ${expectedEmails.size} emails: each once`,
    );
  });

  it('when the workers are SIGKILLed after Postmark accepted an email and before its answer arrived, then the email is not sent again', async () => {
    const admin = await createUserOverHttp(fleet.apiBases()[0]!, actors.boss, 'admin');
    const held = fleet.postmark.holdNext(admin.email);
    const client = new RetryingClient(() => fleet.apiBases());
    const lifecycle = runLifecycle(client, { ...actors, admin }, 0);
    await held.arrived;
    await Promise.all([0, 1].map((index) => fleet.signal('worker', index, 'SIGKILL')));
    held.release();
    await Promise.all([0, 1].map((index) => fleet.restart('worker', index)));
    const { id, workflowId } = await lifecycle;
    await waitUntilClosed(fleet, [workflowId]);

    const [notification] = await db('notifications').where({ delivery_id: id, user_id: admin.id });
    expect(acceptedEmails(fleet).get(`${notification.event_key}:email`), 'times sent').to.equal(1);
  });
});
