import { ApplicationFailure, noopMetricMeter, type MetricMeter } from '@temporalio/common';
import type { Info } from '@temporalio/activity';
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import { expect } from 'chai';
import knexFactory from 'knex';
import { createEmailActivities } from '../../src/activities/email';
import { countOutcome } from '../../src/activities/outcome-metrics';
import { createLogger } from '../../src/logger';
import { emailMessage } from '../support/delivery-input';
import { freePort } from '../support/free-port';

/** Activity contexts whose metric meter keeps each counter increment as `name outcome`. */
function countingContext(info: Partial<Info> = {}) {
  const counted: string[] = [];
  const meter: MetricMeter = {
    createCounter: (name) => ({
      name,
      kind: 'counter',
      valueType: 'int',
      add: (value, tags) => {
        for (let i = 0; i < value; i++) counted.push(`${name} ${String(tags?.outcome)}`);
      },
      withTags() {
        return this;
      },
    }),
    createHistogram: (...args) => noopMetricMeter.createHistogram(...args),
    createGauge: (...args) => noopMetricMeter.createGauge(...args),
    withTags: () => meter,
  };
  // The failures here are the point of the tests: the SDK's warnings about them are noise.
  const logger = new DefaultLogger('ERROR');
  return { env: new MockActivityEnvironment(info, { metricMeter: meter, logger }), counted };
}

describe('outbound activities in a mock activity context', () => {
  it('when an outcome is counted inside an activity, then the worker meter gets one increment with its label; outside one, nothing happens', async () => {
    const { env, counted } = countingContext();
    await env.run(async () => countOutcome('webhook_outcomes', 'delivered'));
    expect(counted).to.deep.equal(['webhook_outcomes delivered']);
    expect(() => countOutcome('email_outcomes', 'sent')).not.to.throw();
  });

  describe('email, when its database cannot be reached', () => {
    // Nothing listens on the port: every connection is refused at once, as in a database outage.
    let db: ReturnType<typeof knexFactory>;
    before(async () => {
      const url = `postgres://nobody:none@127.0.0.1:${await freePort()}/none`;
      const quiet = () => undefined;
      const log = { error: quiet, warn: quiet, debug: quiet, deprecate: quiet };
      db = knexFactory({ client: 'pg', connection: url, pool: { min: 0, max: 1 }, log });
    });
    after(() => db?.destroy());

    const activities = () =>
      createEmailActivities({
        db,
        logger: createLogger('silent'),
        email: { messageStream: 'outbound', from: 'Deliveries <no-reply@example.test>' },
      });

    it('then sending fails retryably (so the day of retries goes on) and is counted as retrying', async () => {
      const { env, counted } = countingContext({ attempt: 7 });
      const error = await env.run(activities().sendEmail, emailMessage('unit')).then(
        () => expect.fail('expected the send to fail'),
        (e: unknown) => e,
      );
      expect(error instanceof ApplicationFailure && error.nonRetryable).to.equal(false);
      expect(counted).to.deep.equal(['email_outcomes retrying']);
    });

    it('then a batch is retried as a whole rather than reported rejected', async () => {
      const { env, counted } = countingContext();
      const outcome = await env
        .run(activities().sendEmails, [emailMessage('unit'), emailMessage('unit')])
        .then(
          (outcomes) => outcomes,
          (e: unknown) => e,
        );
      expect(outcome).to.be.instanceOf(Error);
      expect(counted).to.deep.equal(['email_outcomes retrying', 'email_outcomes retrying']);
    });
  });
});
