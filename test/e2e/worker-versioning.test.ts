/**
 * A rolling upgrade as an operator runs it: version 1 workers with deliveries in flight at every
 * status, version 2 (an incompatible workflow change) deployed beside it and made current with the
 * Temporal CLI; old deliveries finish on version 1, new ones run on version 2, version 1 drains and
 * is stopped, and no workflow task fails anywhere.
 */
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import type { WorkflowHandle } from '@temporalio/client';
import { Worker } from '@temporalio/worker';
import { DeterminismViolationError } from '@temporalio/workflow';
import { temporal } from '@temporalio/proto';
import { expect } from 'chai';
import type Koa from 'koa';
import request from 'supertest';
import { composeApi } from '../../src/composition/api';
import { createLogger } from '../../src/logger';
import {
  currentBuildId,
  promoteWhereDue,
  routingSettled,
  versionedWorkerOptions,
} from '../../src/temporal/worker-deployment';
import { deliveryBody, deliveryThrough } from '../support/deliveries';
import { stack } from '../support/stack';
import { startTestWorker, type TestWorker } from '../support/test-worker';
import { bearer } from '../support/users';
import { waitFor } from '../support/wait-for';
import { workflowBundle, workflowBundleOf } from '../support/workflow-bundle';

const run = promisify(execFile);
const VERSION_2_WORKFLOWS = require.resolve('../support/versioning/incompatible-workflows');

describe('Worker Versioning: shipping a workflow change', function () {
  this.timeout(180_000);
  const deploymentName = `versioning-test-${randomUUID().slice(0, 8)}`;
  const taskQueue = `versioning-${deploymentName}`;
  const v1 = { deploymentName, buildId: 'v1' };
  const v2 = { deploymentName, buildId: 'v2' };
  const workers: TestWorker[] = [];
  let app: Koa;
  let closeApi: () => Promise<void>;

  const temporalApi = () => ({
    workflowService: stack().client.connection.workflowService,
    namespace: stack().config.TEMPORAL_NAMESPACE,
  });
  const cli = (...args: string[]) =>
    run(stack().cliPath, [...args, '--address', stack().temporalAddress, '--output', 'json']);
  const versionOf = async (handle: WorkflowHandle) =>
    (await handle.describe()).raw.workflowExecutionInfo?.versioningInfo;

  before(async () => {
    const { config, db, databaseUrl, client } = stack();
    const logger = createLogger('silent', 'test');
    const api = await composeApi(
      { ...config, TEMPORAL_TASK_QUEUE: taskQueue },
      { logger, db, databaseUrl, temporal: client },
    );
    app = api.app;
    closeApi = api.close;
  });

  after(async () => {
    for (const worker of workers) await worker.stop().catch(() => undefined);
    await closeApi?.();
  });

  it('when version 2 is made current, then old deliveries finish on version 1, new ones on version 2, and version 1 drains', async () => {
    const { client } = stack();
    const logger = createLogger('silent', 'test');
    const version1Bundle = await workflowBundle();
    const version2Bundle = await workflowBundleOf(VERSION_2_WORKFLOWS);
    const version1 = await startTestWorker({
      taskQueue,
      workflows: { kind: 'bundle', codePath: version1Bundle },
      deployment: versionedWorkerOptions(v1, 'pinned'),
    });
    workers.push(version1);
    await promoteWhereDue(temporalApi(), v1, 'pinned', logger);
    expect(await currentBuildId(temporalApi(), deploymentName)).to.equal('v1');

    const inFlight: (Awaited<ReturnType<typeof deliveryThrough>> & { status: string })[] = [];
    for (const status of ['CREATED', 'ASSIGNED', 'IN_TRANSIT'] as const)
      inFlight.push({ status, ...(await deliveryThrough(status, deliveryBody(), app)) });
    for (const delivery of inFlight) {
      const info = await versionOf(client.workflow.getHandle(delivery.workflowId));
      expect(info?.deploymentVersion?.buildId, delivery.status).to.equal('v1');
    }

    // Version 2 comes up beside version 1: a second version is the operator's to promote.
    const version2 = await startTestWorker({
      taskQueue,
      workflows: { kind: 'bundle', codePath: version2Bundle },
      deployment: versionedWorkerOptions(v2, 'pinned'),
    });
    workers.push(version2);
    await promoteWhereDue(temporalApi(), v2, 'pinned', logger);
    expect(await currentBuildId(temporalApi(), deploymentName)).to.equal('v1');

    await waitFor(
      () =>
        cli(
          'worker',
          'deployment',
          'set-current-version',
          ...['--deployment-name', deploymentName, '--build-id', 'v2', '--yes'],
        ).then(
          () => true,
          () => undefined, // until version 2's pollers have reached the server
        ),
      'the CLI to make version 2 current',
    );
    expect(await currentBuildId(temporalApi(), deploymentName)).to.equal('v2');
    await waitFor(
      async () => ((await routingSettled(temporalApi(), deploymentName)) ? true : undefined),
      'the new routing to reach the task queue',
    );

    const fresh = await deliveryThrough('ASSIGNED', deliveryBody(), app);
    const freshHandle = client.workflow.getHandle(fresh.workflowId);
    expect((await versionOf(freshHandle))?.deploymentVersion?.buildId).to.equal('v2');

    // What an operator lists to see what still holds version 1 (docs/operations.md).
    const expected = inFlight.map((delivery) => delivery.workflowId).sort();
    await waitFor(async () => {
      const holdingV1: string[] = [];
      for await (const run of client.workflow.list({
        query: `TemporalWorkerDeploymentVersion = '${deploymentName}:v1' AND ExecutionStatus = 'Running'`,
      }))
        holdingV1.push(run.workflowId);
      return JSON.stringify(holdingV1.sort()) === JSON.stringify(expected) ? true : undefined;
    }, 'the visibility list of the runs version 1 holds');

    const finish = (delivery: (typeof inFlight)[number] | typeof fresh) =>
      finishDelivery(app, delivery);
    for (const delivery of [...inFlight, fresh]) await finish(delivery);

    for (const delivery of inFlight) {
      const handle = client.workflow.getHandle(delivery.workflowId);
      const info = await versionOf(handle);
      expect(info?.deploymentVersion?.buildId, `${delivery.status} stays on v1`).to.equal('v1');
      const history = await handle.fetchHistory();
      const failedTasks = history.events?.filter(
        (event) => event.workflowTaskFailedEventAttributes,
      );
      expect(failedTasks, `${delivery.status}: no workflow task failed`).to.deep.equal([]);
      // The reason pinning matters: version 2's code cannot replay a version-1 run.
      await Worker.runReplayHistory(
        { workflowBundle: { codePath: version1Bundle } },
        history,
        delivery.workflowId,
      );
      const replayedByV2 = await Worker.runReplayHistory(
        { workflowBundle: { codePath: version2Bundle } },
        history,
        delivery.workflowId,
      ).then(
        () => null,
        (error: unknown) => error,
      );
      expect(replayedByV2).to.be.instanceOf(DeterminismViolationError);
    }
    expect((await versionOf(freshHandle))?.deploymentVersion?.buildId).to.equal('v2');

    // Version 1 has no open run left: the server reports it drained, and it can be stopped.
    await waitFor(async () => {
      const { stdout } = await cli(
        'worker',
        'deployment',
        'describe-version',
        ...['--deployment-name', deploymentName, '--build-id', 'v1'],
      );
      return drainageStatusOf(stdout) === 'drained' ? true : undefined;
    }, 'version 1 to drain');
    await version1.stop();
    workers.splice(workers.indexOf(version1), 1);

    const afterRetirement = await deliveryThrough('IN_TRANSIT', deliveryBody(), app);
    await finishDelivery(app, afterRetirement);
    const info = await versionOf(client.workflow.getHandle(afterRetirement.workflowId));
    expect(info?.deploymentVersion?.buildId).to.equal('v2');
  });

  it('when workers run auto-upgrade (a rolling replace), then each new version makes itself current and running deliveries move to it', async () => {
    const { client } = stack();
    const logger = createLogger('silent', 'test');
    const name = `${deploymentName}-auto`;
    const queue = `${taskQueue}-auto`;
    const api = await composeApi(
      { ...stack().config, TEMPORAL_TASK_QUEUE: queue },
      { logger, db: stack().db, databaseUrl: stack().databaseUrl, temporal: client },
    );
    try {
      const bundle = { kind: 'bundle' as const, codePath: await workflowBundle() };
      const start = async (buildId: string) => {
        const version = { deploymentName: name, buildId };
        const worker = await startTestWorker({
          taskQueue: queue,
          workflows: bundle,
          deployment: versionedWorkerOptions(version, 'auto-upgrade'),
        });
        workers.push(worker);
        await promoteWhereDue(temporalApi(), version, 'auto-upgrade', logger);
        return worker;
      };
      const first = await start('a1');
      const delivery = await deliveryThrough('ASSIGNED', deliveryBody(), api.app);
      const handle = client.workflow.getHandle(delivery.workflowId);
      expect((await versionOf(handle))?.deploymentVersion?.buildId).to.equal('a1');

      await start('a2');
      expect(await currentBuildId(temporalApi(), name)).to.equal('a2');
      await first.stop();
      workers.splice(workers.indexOf(first), 1);

      await finishDelivery(api.app, delivery);
      const info = await versionOf(handle);
      expect(info?.deploymentVersion?.buildId).to.equal('a2');
      expect(info?.behavior).to.equal(
        temporal.api.enums.v1.VersioningBehavior.VERSIONING_BEHAVIOR_AUTO_UPGRADE,
      );
    } finally {
      await api.close();
    }
  });
});

/** `draining` while pinned runs are open, then `drained`, in the CLI's JSON. */
function drainageStatusOf(json: string): string | undefined {
  return (JSON.parse(json) as { drainageInfo?: { drainageStatus?: string } }).drainageInfo
    ?.drainageStatus;
}

/** Takes a delivery from wherever it is to COMPLETED through the API, as its admin. */
async function finishDelivery(
  app: Koa,
  delivery: Awaited<ReturnType<typeof deliveryThrough>>,
): Promise<void> {
  const api = () => request(app.callback());
  const current = await api()
    .get(`/api/v1/deliveries/${delivery.id}`)
    .set(bearer(delivery.boss.token));
  let status = current.body.status as string;
  if (status === 'CREATED') {
    const res = await api()
      .post(`/api/v1/deliveries/${delivery.id}/assign`)
      .set(bearer(delivery.boss.token))
      .send({ admin_id: delivery.admin.user.id });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    status = 'ASSIGNED';
  }
  for (const next of status === 'ASSIGNED' ? ['IN_TRANSIT', 'COMPLETED'] : ['COMPLETED']) {
    const res = await api()
      .post(`/api/v1/deliveries/${delivery.id}/status`)
      .set(bearer(delivery.admin.token))
      .send({ status: next });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
  }
}
