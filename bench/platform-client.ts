/**
 * What the bench's phases share to drive the platform as a client would: a POST over HTTP, the
 * task queue's backlog, and the delivery worker started as its own process.
 */
import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { spawnEntryPoint } from '../test/support/entry-points';
import { waitForReady } from '../test/support/platform-http';
import { waitFor } from '../test/support/wait-for';
import { sleep } from './support';

const { TaskQueueType } = temporal.api.enums.v1;

export interface Answer {
  status: number;
  body: unknown;
  replayed: boolean;
  retryAfterSeconds: number | null;
}
export type Post = (
  path: string,
  token: string,
  body: unknown,
  headers?: Record<string, string>,
) => Promise<Answer>;
export function postTo(baseUrl: string): Post {
  return async (path, token, body, headers = {}) => {
    const res = await fetch(`${baseUrl}/api/v1${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    const text = await res.text();
    const retryAfter = res.headers.get('retry-after');
    return {
      status: res.status,
      body: text ? JSON.parse(text) : null,
      replayed: res.headers.get('idempotent-replayed') === 'true',
      retryAfterSeconds: retryAfter === null ? null : Number(retryAfter),
    };
  };
}

export async function backlogOf(client: Client, taskQueue: string): Promise<number> {
  const described = await client.workflowService.describeTaskQueue({
    namespace: client.options.namespace,
    taskQueue: { name: taskQueue },
    taskQueueType: TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
    reportStats: true,
  });
  return Number(String(described.stats?.approximateBacklogCount ?? 0));
}

/** Resolves when three polls in a row saw no workflow-task backlog; returns that time (epoch ms). */
export async function backlogEmpty(client: Client, taskQueue: string): Promise<number> {
  let emptyPolls = 0;
  let firstEmptyAt = Date.now();
  for (const deadline = Date.now() + 600_000; Date.now() < deadline; await sleep(200)) {
    const now = Date.now();
    if ((await backlogOf(client, taskQueue)) > 0) emptyPolls = 0;
    else if (emptyPolls++ === 0) firstEmptyAt = now;
    if (emptyPolls === 3) return firstEmptyAt;
  }
  throw new Error(`the backlog of ${taskQueue} did not drain in 10 minutes`);
}

/**
 * The delivery worker runs as its own process (the production entry point), as deployed, at the
 * same priority as everything else: the API's answers never wait for it.
 */
export async function startWorkerProcess(base: string) {
  const worker = spawnEntryPoint('src/worker.ts', {});
  await waitForReady(base, 'the worker process', {
    withWorker: true,
    child: worker.child,
    timeoutMs: 60_000,
  });
  return {
    pid: worker.child.pid ?? null,
    stop: async () => {
      worker.child.kill('SIGTERM');
      await worker.exited;
    },
  };
}

/**
 * The delivery worker as its own process on the Temporal server at `env.TEMPORAL_ADDRESS`;
 * resolves once a worker polls the task queue there.
 */
export async function startWorkerOn(
  client: Client,
  taskQueue: string,
  env: { TEMPORAL_ADDRESS: string },
) {
  const worker = spawnEntryPoint('src/worker.ts', env);
  await waitFor(
    async () => {
      if (worker.child.exitCode !== null) throw new Error(`the worker exited: ${worker.output()}`);
      const { pollers } = await client.workflowService.describeTaskQueue({
        namespace: client.options.namespace,
        taskQueue: { name: taskQueue },
        taskQueueType: TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
      });
      return (pollers ?? []).length > 0 ? true : undefined;
    },
    'the worker process to poll',
    60_000,
  );
  return {
    pid: worker.child.pid ?? null,
    stop: async () => {
      worker.child.kill('SIGTERM');
      await worker.exited;
    },
  };
}
