import { DefaultLogger, Runtime, type LogLevel } from '@temporalio/worker';
import type { Logger } from '../logger';

const LEVELS: Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error'> = {
  TRACE: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  ERROR: 'error',
};

/**
 * Routes the Temporal SDK's own logs, native core included, into our logger from WARN up (its
 * INFO is chatty), so LOG_LEVEL governs them like everything else.
 * With `metricsAddress` (host:port) it serves Prometheus metrics at `/metrics` there.
 * With `ownSignals` the SDK leaves SIGINT/SIGTERM alone, for processes that stop their workers
 * themselves (the platform, the tests); otherwise it drains workers and re-raises the signal.
 */
export function installTemporalRuntime(
  logger: Logger,
  opts: { ownSignals?: boolean; metricsAddress?: string } = {},
): void {
  Runtime.install({
    ...(opts.ownSignals ? { shutdownSignals: [] } : {}),
    logger: new DefaultLogger('WARN', ({ level, message, meta }) => {
      logger[LEVELS[level]]({ component: 'temporal-sdk', ...meta }, message);
    }),
    telemetryOptions: {
      logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} },
      // The SDK's own metrics and the activities' outcome counters, on one Prometheus endpoint.
      ...(opts.metricsAddress
        ? {
            metrics: {
              prometheus: {
                bindAddress: opts.metricsAddress,
                countersTotalSuffix: true,
                useSecondsForDurations: true,
              },
            },
          }
        : {}),
    },
  });
}
