import { TestWorkflowEnvironment } from '@temporalio/testing';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { indexedType } from '../../src/temporal/connect';
import { DELIVERY_SEARCH_ATTRIBUTES } from '../../src/workflows/search-attributes';

/** Written by `scripts/ensure-test-server.js`, which `npm test` and `npm run test:unit` run first. */
const TEST_SERVER = path.resolve(
  __dirname,
  '../../.tools/temporal-test-server/temporal-test-server',
);

/**
 * The Temporal Java SDK's test server in time-skipping mode, on a free port: while a client
 * waits for a workflow's result, timers and retry back-offs fire at once, so a day of retries
 * takes seconds. The delivery search attributes are registered (this server
 * can add them but not list them, so `ensureSearchAttributes` does not apply).
 */
async function startTimeSkippingEnv(): Promise<TestWorkflowEnvironment> {
  if (!existsSync(TEST_SERVER)) {
    throw new Error(`${TEST_SERVER} is missing: run node scripts/ensure-test-server.js`);
  }
  const env = await TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: TEST_SERVER } },
  });
  await env.connection.operatorService.addSearchAttributes({
    namespace: env.namespace ?? 'default',
    searchAttributes: Object.fromEntries(
      DELIVERY_SEARCH_ATTRIBUTES.map((key) => [key.name, indexedType(key.type)]),
    ),
  });
  return env;
}

/** For a mocha suite: one environment started before its tests and torn down after them. */
export function timeSkippingEnvForSuite(): () => TestWorkflowEnvironment {
  let env: TestWorkflowEnvironment | undefined;
  before(async () => {
    env = await startTimeSkippingEnv();
  });
  after(async () => {
    await env?.teardown();
  });
  return () => {
    if (!env) throw new Error('The time-skipping environment has not started');
    return env;
  };
}
