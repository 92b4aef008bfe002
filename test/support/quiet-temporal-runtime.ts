import { DefaultLogger, Runtime } from '@temporalio/worker';

// The unit tier's workers fail activities on purpose for a simulated day and start and stop
// often: the SDK reports errors only. (The integration tier's stack installs its own runtime.)
Runtime.install({
  logger: new DefaultLogger('ERROR'),
  telemetryOptions: { logging: { filter: { core: 'ERROR', other: 'ERROR' }, forward: {} } },
});
