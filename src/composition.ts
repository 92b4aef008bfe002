/**
 * The one place that builds the platform's two processes from configuration: the API (its
 * dependencies and Koa app) and the delivery worker. The dev platform, both production entry
 * points and the test stack use it; each of them owns only its infrastructure (embedded servers,
 * ports, signals) and the order in which it releases what was built.
 */
import type { Client } from '@temporalio/client';
import type { NativeConnection, Worker } from '@temporalio/worker';
import type Koa from 'koa';
import { AccessTokens } from './accounts/access-tokens';
import { activityDepsFrom } from './worker/activities';
import { createApp } from './api/app';
import type { AppDeps } from './api/deps';
import { Drain } from './api/drain';
import { ApiMetrics } from './api/metrics';
import { NotificationHub } from './api/notification-stream/hub';
import type { Config } from './config';
import type { Db } from './db/knex';
import type { Logger } from './logger';
import type { Tracing } from './telemetry/tracing';
import { connectClient, connectWorker } from './temporal/connect';
import { createDeliveryWorker, workerShutdown, type WorkflowSource } from './worker/create-worker';

/** The Temporal client of a process that starts and changes deliveries (API, platform, tests). */
export function connectDeliveryClient(
  config: Config,
  address: string,
  tracing?: Tracing,
): Promise<Client> {
  return connectClient({
    address,
    namespace: config.TEMPORAL_NAMESPACE,
    interceptors: tracing?.clientInterceptors,
  });
}

export interface ComposedApi {
  app: Koa;
  deps: AppDeps;
  /** Stops what the API itself started (the notification hub's LISTEN connection). */
  close(): Promise<void>;
}

/** The API process: its dependencies and app, on a database and a Temporal client it is given. */
export async function composeApi(
  config: Config,
  parts: { logger: Logger; db: Db; databaseUrl: string; temporal: Client; tracing?: Tracing },
): Promise<ComposedApi> {
  const notificationHub = new NotificationHub(parts.databaseUrl, parts.logger);
  await notificationHub.start();
  const deps: AppDeps = {
    config,
    logger: parts.logger,
    db: parts.db,
    temporal: parts.temporal,
    tokens: new AccessTokens(config.JWT_SECRET, config.ACCESS_TOKEN_TTL_SECONDS),
    notificationHub,
    drain: new Drain(),
    metrics: new ApiMetrics(),
    ...(parts.tracing ? { tracer: parts.tracing.tracer } : {}),
  };
  return { app: createApp(deps), deps, close: () => notificationHub.stop() };
}

export interface ComposedWorker {
  worker: Worker;
  connection: NativeConnection;
  /** Runs the worker in the background; the returned function stops it and its connection. */
  runInBackground(): () => Promise<void>;
}

/** The delivery worker on the configured task queue, its activities on the given database. */
export async function composeWorker(
  config: Config,
  parts: {
    logger: Logger;
    db: Db;
    address: string;
    workflows: WorkflowSource;
    tracing?: Tracing;
  },
): Promise<ComposedWorker> {
  const connection = await connectWorker({
    address: parts.address,
    namespace: config.TEMPORAL_NAMESPACE,
  });
  const activityDeps = activityDepsFrom(config, parts.db, parts.logger);
  const worker = await createDeliveryWorker({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    taskQueue: config.TEMPORAL_TASK_QUEUE,
    deps: activityDeps,
    workflows: parts.workflows,
    shutdown: workerShutdown(config),
    ...(parts.tracing ? { tracing: parts.tracing.worker } : {}),
  });
  return {
    worker,
    connection,
    runInBackground() {
      const running = worker.run();
      return async () => {
        worker.shutdown();
        await running;
        await connection.close();
      };
    },
  };
}
