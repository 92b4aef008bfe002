import { ActivityFailure, ApplicationFailure, WorkflowFailedError } from '@temporalio/client';
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { MockActivityEnvironment } from '@temporalio/testing';
import { createEmailActivities } from '../../src/activities/email';
import { findEmailByKey, REDACTED_BODY } from '../../src/db/repositories/email-messages';
import type { EmailMessage } from '../../src/notifications/email-message';
import { accountEmailWorkflow } from '../../src/workflows';
import { emailMessage } from '../support/delivery-input';
import { startFakePostmark, type FakePostmark } from '../support/postmark-server';
import { stack } from '../support/stack';
import { startTestWorker, type TestWorker } from '../support/test-worker';
import { waitFor } from '../support/wait-for';

const execFileAsync = promisify(execFile);

function message(): EmailMessage {
  return emailMessage('test', { textBody: 'Plain text part', htmlBody: '<p>HTML part</p>' });
}

function sendThroughWorkflow(taskQueue: string, msg: EmailMessage) {
  return stack().client.workflow.start(accountEmailWorkflow, {
    taskQueue,
    workflowId: `email-test-${randomUUID()}`,
    args: [{ message: msg }],
  });
}

describe('email through Postmark: the real client against a Postmark-like server', function () {
  this.timeout(90_000);
  let fake: FakePostmark;
  let worker: TestWorker;
  const settings = () => ({
    serverToken: fake.token,
    apiUrl: fake.url,
    messageStream: 'outbound',
    from: 'Deliveries <no-reply@example.test>',
  });

  before(async () => {
    fake = await startFakePostmark();
    worker = await startTestWorker({ email: settings() });
  });
  after(async () => {
    await worker?.stop();
    await fake?.close();
  });

  it('when Postmark accepts, then one request carries both parts and the email is recorded as sent', async () => {
    const msg = message();
    await (await sendThroughWorkflow(worker.taskQueue, msg)).result();

    const requests = fake.requestsTo(msg.to);
    expect(requests).to.have.length(1);
    expect(requests[0]!.token).to.equal(fake.token);
    expect(requests[0]!.body).to.include({
      From: 'Deliveries <no-reply@example.test>',
      To: msg.to,
      Subject: msg.subject,
      TextBody: msg.textBody,
      HtmlBody: msg.htmlBody,
      Tag: msg.tag,
      MessageStream: 'outbound',
      TrackLinks: 'None',
    });
    const row = await findEmailByKey(stack().db, msg.key);
    expect(row).to.include({ status: 'sent', attempts: 1, last_error: null });
    expect(row!.provider_message_id).to.be.a('string');
  });

  it('when a message holding a secret is sent, then the stored copy of its body is blanked', async () => {
    const msg = { ...message(), sensitive: true };
    await (await sendThroughWorkflow(worker.taskQueue, msg)).result();

    expect(fake.requestsTo(msg.to)[0]!.body).to.include({ TextBody: msg.textBody });
    const row = await findEmailByKey(stack().db, msg.key);
    expect(row).to.include({ status: 'sent', text_body: REDACTED_BODY, html_body: REDACTED_BODY });
  });

  for (const status of [500, 429] as const) {
    it(`when Postmark answers ${status} twice, then the activity retries until it is sent once`, async () => {
      const msg = message();
      fake.script(msg.to, { status, times: 2 });
      await (await sendThroughWorkflow(worker.taskQueue, msg)).result();

      expect(fake.requestsTo(msg.to).map((r) => r.status)).to.deep.equal([status, status, 200]);
      const row = await findEmailByKey(stack().db, msg.key);
      expect(row).to.include({ status: 'sent', attempts: 3, last_error: null });
    });
  }

  it('when the recipient is inactive (422/406), then it is tried once, recorded as failed and never retried, even under the same key', async () => {
    const msg = message();
    fake.script(msg.to, { status: 422, errorCode: 406, times: 100 });
    const handle = await sendThroughWorkflow(worker.taskQueue, msg);

    const error = await handle.result().then(
      () => expect.fail('the workflow should have failed'),
      (e: unknown) => e,
    );
    expect(error).to.be.instanceOf(WorkflowFailedError);
    const activityFailure = (error as WorkflowFailedError).cause;
    expect(activityFailure).to.be.instanceOf(ActivityFailure);
    const cause = (activityFailure as ActivityFailure).cause as ApplicationFailure;
    expect(cause).to.be.instanceOf(ApplicationFailure);
    expect(cause).to.include({ type: 'email-inactive-recipient', nonRetryable: true });
    expect(fake.requestsTo(msg.to)).to.have.length(1);
    const row = await findEmailByKey(stack().db, msg.key);
    expect(row).to.include({ status: 'failed', attempts: 1, error_code: 406 });
    expect(row!.last_error).to.match(/HTTP 422: .*inactive/);

    const again = await (await sendThroughWorkflow(worker.taskQueue, msg)).result().then(
      () => expect.fail('a recorded permanent failure should stay one'),
      (e: WorkflowFailedError) => (e.cause as ActivityFailure).cause as ApplicationFailure,
    );
    expect(again).to.include({ type: 'email-inactive-recipient', nonRetryable: true });
    expect(fake.requestsTo(msg.to)).to.have.length(1);
  });

  it('when an email with the same key was already sent, then sending it again does not reach Postmark', async () => {
    const msg = message();
    await (await sendThroughWorkflow(worker.taskQueue, msg)).result();
    await (await sendThroughWorkflow(worker.taskQueue, msg)).result();

    expect(fake.requestsTo(msg.to)).to.have.length(1);
    expect(await findEmailByKey(stack().db, msg.key)).to.include({ status: 'sent' });
  });

  it('when the worker restarts in the middle of retries, then the email is sent exactly once', async () => {
    const restartable = await startTestWorker({ email: settings() });
    const msg = message();
    fake.script(msg.to, { status: 500, times: 1000 });
    const handle = await sendThroughWorkflow(restartable.taskQueue, msg);
    await waitFor(
      async () => (fake.requestsTo(msg.to).length >= 2 ? true : undefined),
      'two failed attempts',
    );
    await restartable.stop();
    fake.heal(msg.to);

    const replacement = await startTestWorker({
      email: settings(),
      taskQueue: restartable.taskQueue,
    });
    try {
      await handle.result();
    } finally {
      await replacement.stop();
    }
    const statuses = fake.requestsTo(msg.to).map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).to.have.length(1);
    expect(statuses.at(-1)).to.equal(200);
    const row = await findEmailByKey(stack().db, msg.key);
    expect(row).to.include({ status: 'sent', attempts: statuses.length });
  });

  it('when a sender died after Postmark accepted an email and before it was marked sent, then the retry finds it at Postmark and sends nothing', async () => {
    const msg = message();
    const activities = createEmailActivities({ ...stack().activityDeps, email: settings() });
    const env = new MockActivityEnvironment();
    // The first attempt: the row is begun and Postmark accepts, but its answer is never read.
    const hold = fake.holdNext(msg.to);
    const lost = env.run(activities.sendEmail, msg).catch(() => undefined);
    await hold.arrived;
    void lost;

    const outcome = await new MockActivityEnvironment().run(activities.sendEmail, msg);
    expect(outcome).to.deep.equal({ key: msg.key, outcome: 'sent-before' });
    expect(fake.requestsTo(msg.to)).to.have.length(1);
    const row = await findEmailByKey(stack().db, msg.key);
    expect(row).to.include({ status: 'sent', attempts: 2 });
    expect(row!.provider_message_id).to.equal(fake.requestsTo(msg.to)[0]!.messageId);
    hold.release();
  });

  it('when no Postmark token is configured, then the email lands in the outbox table and `npm run outbox` shows it', async () => {
    const msg = message();
    await (await sendThroughWorkflow(stack().taskQueue, msg)).result();

    const row = await findEmailByKey(stack().db, msg.key);
    expect(row).to.include({
      status: 'outbox',
      to_address: msg.to,
      subject: msg.subject,
      text_body: msg.textBody,
      html_body: msg.htmlBody,
    });
    expect(fake.requestsTo(msg.to)).to.have.length(0);

    const { stdout } = await execFileAsync(
      process.execPath,
      ['--require', 'tsx/cjs', 'src/outbox-cli.ts', '--to', msg.to],
      { env: { ...process.env, DATABASE_URL: stack().databaseUrl, LOG_LEVEL: 'silent' } },
    );
    expect(stdout).to.include(`To: ${msg.to}`).and.include(msg.textBody).and.include('outbox');
  });

  it('when a change’s emails go to the outbox and the activity is retried, then each is written once and the retry reports what an earlier try finished', async () => {
    const outbox = createEmailActivities(stack().activityDeps);
    const [first, second, rejected] = [message(), message(), message()];
    await stack().db('email_messages').insert({
      key: rejected.key,
      to_address: rejected.to,
      subject: rejected.subject,
      text_body: rejected.textBody,
      html_body: rejected.htmlBody,
      tag: rejected.tag,
      status: 'failed',
      attempts: 1,
      last_error: 'Inactive recipient',
    });

    const once = await new MockActivityEnvironment().run(outbox.sendEmails, [first]);
    const again = await new MockActivityEnvironment().run(outbox.sendEmails, [
      first,
      second,
      rejected,
    ]);

    expect(once).to.deep.equal([{ key: first.key, outcome: 'outbox' }]);
    expect(again).to.deep.equal([
      { key: first.key, outcome: 'sent-before' },
      { key: second.key, outcome: 'outbox' },
      { key: rejected.key, outcome: 'rejected', reason: 'Inactive recipient' },
    ]);
    for (const msg of [first, second]) {
      expect(await findEmailByKey(stack().db, msg.key)).to.include({
        status: 'outbox',
        attempts: 1,
        text_body: msg.textBody,
      });
    }
  });
});
