/**
 * Builds the API process from configuration: its Temporal client, dependencies and Koa app. The
 * API entry point, the dev platform and the test stack use it; each owns only its infrastructure
 * (embedded servers, ports, signals) and the order in which it releases what was built. The
 * worker's composition is apart (`./worker`), so the API process never loads the worker's code.
 */
import type { Client } from '@temporalio/client';
import { Admission } from '../temporal/admission';
import { workflowBacklogProbe } from '../temporal/backlog-probe';
import type Koa from 'koa';
import { AccessTokens } from '../accounts/access-tokens';
import { createApp } from '../api/app';
import { createAttachmentStorage } from '../attachments/storage';
import type { AppDeps } from '../api/deps';
import { Drain } from '../api/drain';
import { ApiMetrics } from '../api/metrics';
import { NotificationHub } from '../api/notification-stream/hub';
import { PgListener } from '../api/pg-listener';
import { TrackingHub } from '../api/tracking/hub';
import type { Config } from '../config';
import type { Db } from '../db/knex';
import { DELIVERY_CHANGE_CHANNEL, findTrackedDelivery } from '../db/repositories/deliveries';
import { NOTIFICATION_CHANNEL } from '../db/repositories/notifications';
import type { Logger } from '../logger';
import type { Tracing } from '../telemetry/tracing';
import { connectClient } from '../temporal/connect';

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
  /** Stops what the API itself started (the LISTEN connection of the live streams, the S3 client). */
  close(): Promise<void>;
}

export function admissionFor(config: Config, temporal: Client): Admission {
  return new Admission(
    {
      targetMs: config.ADMISSION_TARGET_MS,
      minInFlight: config.ADMISSION_MIN_IN_FLIGHT,
      maxInFlight: config.ADMISSION_MAX_IN_FLIGHT,
      createBacklogLimit: config.ADMISSION_CREATE_BACKLOG,
      callerShare: config.ADMISSION_CALLER_SHARE_PERCENT / 100,
    },
    workflowBacklogProbe(temporal, config.TEMPORAL_NAMESPACE, config.TEMPORAL_TASK_QUEUE),
  );
}

/** The API process: its dependencies and app, on a database and a Temporal client it is given. */
export async function composeApi(
  config: Config,
  parts: { logger: Logger; db: Db; databaseUrl: string; temporal: Client; tracing?: Tracing },
): Promise<ComposedApi> {
  const notificationHub = new NotificationHub(parts.logger);
  const trackingHub = new TrackingHub((id) => findTrackedDelivery(parts.db, { id }), parts.logger);
  const listener = new PgListener(parts.databaseUrl, parts.logger, {
    [NOTIFICATION_CHANNEL]: notificationHub,
    [DELIVERY_CHANGE_CHANNEL]: trackingHub,
  });
  await listener.start();
  const attachments = createAttachmentStorage(config);
  const deps: AppDeps = {
    config,
    logger: parts.logger,
    db: parts.db,
    temporal: parts.temporal,
    admission: admissionFor(config, parts.temporal),
    tokens: new AccessTokens(config.JWT_SECRET, config.ACCESS_TOKEN_TTL_SECONDS),
    attachments,
    notificationHub,
    trackingHub,
    drain: new Drain(),
    metrics: new ApiMetrics(),
    ...(parts.tracing ? { tracer: parts.tracing.tracer } : {}),
  };
  const close = async () => {
    await listener.stop();
    attachments.close?.();
  };
  return { app: createApp(deps), deps, close };
}
