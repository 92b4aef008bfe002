import type { Tracer } from '@opentelemetry/api';
import type { Client } from '@temporalio/client';
import type { AccessTokens } from '../accounts/access-tokens';
import type { AttachmentStorage } from '../attachments/storage';
import type { Config } from '../config';
import type { Db } from '../db/knex';
import type { Admission } from '../temporal/admission';
import type { Logger } from '../logger';
import type { NotificationHub } from './notification-stream/hub';
import type { TrackingHub } from './tracking/hub';
import type { Drain } from './drain';
import type { ApiMetrics } from './metrics';

/** Everything the HTTP layer needs, passed in so tests build the app against the real stack. */
export interface AppDeps {
  config: Config;
  logger: Logger;
  db: Db;
  temporal: Client;
  admission: Admission;
  tokens: AccessTokens;
  /** Where proof-of-delivery photos are kept (files or S3, by ATTACHMENT_STORAGE). */
  attachments: AttachmentStorage;
  /** Started and stopped by the process entry point, like the database pool. */
  notificationHub: NotificationHub;
  /** The open tracking pages of this process, fed by the same LISTEN connection. */
  trackingHub: TrackingHub;
  /** The graceful stop this API process runs on SIGTERM; readiness and streams follow it. */
  drain: Drain;
  metrics: ApiMetrics;
  /** Only when tracing is on (`OTEL_EXPORTER_OTLP_ENDPOINT`): a server span per request. */
  tracer?: Tracer;
}
