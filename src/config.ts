import path from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import type { Duration } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';

const DEV_JWT_SECRET = 'dev-only-secret-do-not-use-in-production-0123456789';

const ConfigSchema = Type.Object({
  NODE_ENV: Type.Union([
    Type.Literal('development'),
    Type.Literal('test'),
    Type.Literal('production'),
  ]),
  PORT: Type.Integer({ minimum: 0, maximum: 65535, default: 3000 }),
  HOST: Type.Optional(Type.String({ minLength: 1 })),
  PUBLIC_URL: Type.Optional(Type.String({ format: 'uri' })),
  DATABASE_URL: Type.Optional(Type.String({ minLength: 1 })),
  DATABASE_POOL_MAX: Type.Integer({ minimum: 1, maximum: 500, default: 30 }),
  PG_PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 5433 }),
  TEMPORAL_ADDRESS: Type.Optional(Type.String({ minLength: 1 })),
  TEMPORAL_PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 7233 }),
  TEMPORAL_UI_PORT: Type.Integer({ minimum: 1, maximum: 65535, default: 8233 }),
  /** Where ops open the Temporal UI (production); the setup CLI prints the ops views under it. */
  TEMPORAL_UI_URL: Type.Optional(Type.String({ format: 'uri' })),
  TEMPORAL_NAMESPACE: Type.String({ minLength: 1, default: 'default' }),
  TEMPORAL_TASK_QUEUE: Type.String({ minLength: 1, default: 'deliveries' }),
  TEMPORAL_UPDATE_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 120_000, default: 10_000 }),
  READY_CACHE_MS: Type.Integer({ minimum: 0, maximum: 60_000, default: 1000 }),
  DATA_DIR: Type.String({ minLength: 1, default: '.data' }),
  SUPERADMIN_EMAIL: Type.Optional(Type.String({ format: 'email' })),
  SUPERADMIN_PASSWORD: Type.Optional(Type.String({ minLength: 10 })),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((l) => Type.Literal(l)),
    { default: 'info' },
  ),
  JWT_SECRET: Type.Optional(Type.String({ minLength: 32 })),
  ACCESS_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 30, maximum: 86400, default: 900 }),
  REFRESH_TOKEN_TTL_SECONDS: Type.Integer({ minimum: 300, default: 30 * 86400 }),
  REFRESH_SESSION_MAX_AGE_SECONDS: Type.Integer({ minimum: 300, default: 90 * 86400 }),
  LOGIN_MAX_FAILURES_PER_EMAIL: Type.Integer({ minimum: 1, default: 5 }),
  LOGIN_MAX_FAILURES_PER_ADDRESS: Type.Integer({ minimum: 1, default: 20 }),
  LOGIN_FAILURE_WINDOW_SECONDS: Type.Integer({ minimum: 1, default: 15 * 60 }),
  POSTMARK_SERVER_TOKEN: Type.Optional(Type.String({ minLength: 1 })),
  POSTMARK_API_URL: Type.Optional(Type.String({ format: 'uri' })),
  POSTMARK_MESSAGE_STREAM: Type.String({ minLength: 1, default: 'outbound' }),
  EMAIL_FROM: Type.String({ minLength: 3, default: 'Deliveries <no-reply@example.com>' }),
  REGISTRATION_ENABLED: Type.Boolean({ default: true }),
  WEBHOOK_ALLOW_PRIVATE_TARGETS: Type.Boolean({ default: false }),
  TRUST_PROXY: Type.Boolean({ default: false }),
  SHUTDOWN_GRACE_SECONDS: Type.Integer({ minimum: 0, maximum: 600, default: 20 }),
  WORKER_METRICS_PORT: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
  WORKER_SHUTDOWN_GRACE_SECONDS: Type.Integer({ minimum: 0, maximum: 600, default: 20 }),
  WORKER_SHUTDOWN_FORCE_SECONDS: Type.Integer({ minimum: 1, maximum: 900, default: 40 }),
  // Production workers only (npm run dev and the tests run workflows from source, unversioned).
  WORKER_VERSIONING: Type.Union(
    [Type.Literal('pinned'), Type.Literal('auto-upgrade'), Type.Literal('off')],
    { default: 'pinned' },
  ),
  WORKER_DEPLOYMENT_NAME: Type.String({
    pattern: '^[A-Za-z0-9_-]+$',
    default: 'delivery-aggregator',
  }),
  WORKER_BUILD_ID: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.-]+$', maxLength: 255 })),
  SSE_HEARTBEAT_SECONDS: Type.Integer({ minimum: 1, maximum: 300, default: 15 }),
  /**
   * Requests to the public tracking pages (/track/…: page, JSON, live stream) per client address
   * and minute, in each API process; the static assets do not count.
   */
  TRACKING_RATE_LIMIT_PER_MINUTE: Type.Integer({ minimum: 1, default: 60 }),
  /**
   * A partner's API requests per window, in each API process: through one API key
   * (`per-key`), and through all its keys and signed-in sessions together (`per-partner`).
   */
  RATE_LIMIT_PER_KEY: Type.Integer({ minimum: 1, default: 600 }),
  RATE_LIMIT_PER_PARTNER: Type.Integer({ minimum: 1, default: 1200 }),
  RATE_LIMIT_WINDOW_SECONDS: Type.Integer({ minimum: 1, maximum: 86400, default: 60 }),
  OTEL_EXPORTER_OTLP_ENDPOINT: Type.Optional(Type.String({ format: 'uri' })),
  OTEL_SERVICE_NAME: Type.Optional(Type.String({ minLength: 1 })),
  /** How long a delivery may stay CREATED before super admins are told: `30m`, `90s`, `2h`. */
  ASSIGNMENT_SLA: Type.String({ pattern: '^[0-9]+(ms|s|m|h)$', default: '30m' }),
  /** Where a `delivery_date` ends (an IANA zone such as Europe/Berlin). */
  BUSINESS_TIMEZONE: Type.String({ minLength: 1, default: 'UTC' }),
  // Admission of Temporal calls per API process (docs/operations.md, "Overload"), numbers from
  // the capacity benchmark's overload phase; ADMISSION_MAX_IN_FLIGHT=0 admits everything.
  ADMISSION_TARGET_MS: Type.Integer({ minimum: 10, maximum: 60_000, default: 250 }),
  ADMISSION_MIN_IN_FLIGHT: Type.Integer({ minimum: 1, maximum: 10_000, default: 2 }),
  ADMISSION_MAX_IN_FLIGHT: Type.Integer({ minimum: 0, maximum: 10_000, default: 16 }),
  ADMISSION_CREATE_BACKLOG: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 20 }),
  /** The share of a lane's limit one caller may hold in flight, in percent (100: no share). */
  ADMISSION_CALLER_SHARE_PERCENT: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
  /** Where proof-of-delivery images are kept: files under DATA_DIR, or an S3 bucket. */
  ATTACHMENT_STORAGE: Type.Union([Type.Literal('file'), Type.Literal('s3')], { default: 'file' }),
  S3_BUCKET: Type.Optional(Type.String({ minLength: 3, maxLength: 63 })),
  /** For S3-compatible servers; unset, AWS's endpoint for the region. */
  S3_ENDPOINT: Type.Optional(Type.String({ format: 'uri' })),
  S3_REGION: Type.String({ minLength: 1, default: 'us-east-1' }),
  /** Both or neither; neither, the AWS SDK's default credential chain (role, profile, env). */
  S3_ACCESS_KEY_ID: Type.Optional(Type.String({ minLength: 1 })),
  S3_SECRET_ACCESS_KEY: Type.Optional(Type.String({ minLength: 1 })),
  S3_FORCE_PATH_STYLE: Type.Boolean({ default: false }),
});

function assertTimeZone(timeZone: string): void {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
  } catch {
    throw new ConfigError(
      `Invalid configuration: BUSINESS_TIMEZONE: unknown time zone ${timeZone}`,
    );
  }
}

type RawConfig = Static<typeof ConfigSchema>;

/** Every variable the configuration reads: deploy files may set these and no others. */
export const CONFIG_VARIABLES: readonly string[] = Object.keys(ConfigSchema.properties);

// S3 without a bucket cannot store anything in any environment, so this is not production-only.
function assertAttachmentStorage(raw: RawConfig): void {
  if (raw.ATTACHMENT_STORAGE === 's3' && !raw.S3_BUCKET) {
    throw new ConfigError(
      'Invalid configuration: S3_BUCKET is required when ATTACHMENT_STORAGE=s3',
    );
  }
  if (!raw.S3_ACCESS_KEY_ID !== !raw.S3_SECRET_ACCESS_KEY) {
    throw new ConfigError(
      'Invalid configuration: S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY are set together or not at all',
    );
  }
}

export interface Config extends Omit<RawConfig, 'JWT_SECRET' | 'PUBLIC_URL' | 'DATA_DIR' | 'HOST'> {
  /** The API's bind address: loopback in development, every interface in production. */
  HOST: string;
  JWT_SECRET: string;
  PUBLIC_URL: string;
  DATA_DIR: string;
  ASSIGNMENT_SLA_MS: number;
  isDev: boolean;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

const ajv = new Ajv({ coerceTypes: true, useDefaults: true, allErrors: true, strict: false });
addFormats(ajv);
const validateConfig = ajv.compile<RawConfig>(ConfigSchema);

export type NodeEnv = RawConfig['NODE_ENV'];

/**
 * Reads the environment once, validates it against the schema and fails naming the variable.
 * An unset NODE_ENV means production unless the entry point is a development tool (`npm run dev`,
 * the operator CLIs): a production process started without it must not run on dev defaults
 * (the public dev JWT secret, the printed super admin password).
 */
export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  defaultNodeEnv: NodeEnv = 'production',
): Config {
  const raw: Record<string, unknown> = { NODE_ENV: defaultNodeEnv };
  for (const key of CONFIG_VARIABLES) {
    const value = env[key];
    if (value !== undefined && value !== '') raw[key] = value;
  }
  if (!validateConfig(raw)) {
    const problems = (validateConfig.errors ?? []).map((e) => {
      const variable =
        e.instancePath.replace(/^\//, '') || String(e.params['missingProperty'] ?? '');
      return `${variable}: ${e.message ?? 'invalid'}`;
    });
    throw new ConfigError(`Invalid configuration: ${problems.join('; ')}`);
  }
  const isDev = raw.NODE_ENV !== 'production';
  if (!isDev && !raw.JWT_SECRET) {
    throw new ConfigError('Invalid configuration: JWT_SECRET is required when NODE_ENV=production');
  }
  assertTimeZone(raw.BUSINESS_TIMEZONE);
  assertAttachmentStorage(raw);
  return {
    ...raw,
    isDev,
    // The schema's pattern admits only what Temporal's duration parser reads the same way.
    ASSIGNMENT_SLA_MS: msToNumber(raw.ASSIGNMENT_SLA as Duration),
    JWT_SECRET: raw.JWT_SECRET ?? DEV_JWT_SECRET,
    HOST: raw.HOST ?? (isDev ? '127.0.0.1' : '0.0.0.0'),
    PUBLIC_URL: (raw.PUBLIC_URL ?? `http://localhost:${raw.PORT}`).replace(/\/$/, ''),
    DATA_DIR: path.resolve(raw.DATA_DIR),
  };
}
