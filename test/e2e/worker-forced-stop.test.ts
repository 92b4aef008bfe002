import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { findEmailByKey } from '../../src/db/repositories/email-messages';
import { accountEmailWorkflow } from '../../src/workflows';
import { emailMessage } from '../support/delivery-input';
import { spawnEntryPoint } from '../support/entry-points';
import { startFakePostmark, type FakePostmark } from '../support/postmark-server';
import { stack } from '../support/stack';

describe('the worker process stops on SIGTERM even when an activity hangs', function () {
  this.timeout(120_000);
  let postmark: FakePostmark;

  before(async () => {
    postmark = await startFakePostmark();
  });
  after(() => postmark?.close());

  it('when SIGTERM arrives while an email waits on a Postmark that never answers (the client cannot be cancelled), then the worker gives up at its force time: it exits 1, the SDK logs that the worker failed, and it leaves the email pending for the next worker', async () => {
    const message = emailMessage('forced-stop');
    const held = postmark.holdNext(message.to);
    const taskQueue = `forced-stop-${randomUUID()}`;
    const worker = spawnEntryPoint('src/worker.ts', {
      TEMPORAL_TASK_QUEUE: taskQueue,
      POSTMARK_SERVER_TOKEN: postmark.token,
      POSTMARK_API_URL: postmark.url,
      // Both well inside the Postmark client's own 10 s timeout, so only the force can end it.
      WORKER_SHUTDOWN_GRACE_SECONDS: '1',
      WORKER_SHUTDOWN_FORCE_SECONDS: '2',
      LOG_LEVEL: 'warn',
    });
    const handle = await stack().client.workflow.start(accountEmailWorkflow, {
      taskQueue,
      workflowId: `forced-stop-${randomUUID()}`,
      args: [{ message }],
    });
    try {
      await held.arrived;
      worker.child.kill('SIGTERM');

      expect(await worker.exited, worker.output()).to.equal(1);
      // The SDK's own account of the forced stop, through our logger (error level).
      const failed = worker
        .output()
        .split('\n')
        .filter((line) => line.startsWith('{'))
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .find((entry) => entry['msg'] === 'Worker failed');
      expect(failed, worker.output()).to.include({ component: 'temporal-sdk', level: 50 });
      const sdkError = failed!['error'] as { message?: unknown };
      expect(sdkError.message, 'the SDK error, serialized').to.be.a('string').with.length.above(0);
      // And the entry point says what happened in words an operator can act on.
      expect(worker.output()).to.match(/"level":50,.*stopped by force: activities still running/);
      // Abandoned mid-request: neither Postmark's answer nor the client's own timeout came back.
      const row = await findEmailByKey(stack().db, message.key);
      expect(row).to.include({ status: 'pending', attempts: 1, last_error: null });
      expect((await handle.describe()).status.name).to.equal('RUNNING');
    } finally {
      held.release();
      worker.kill();
      await handle.terminate('test finished');
    }
  });
});
