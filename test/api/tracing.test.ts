import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { Client } from '@temporalio/client';
import { expect } from 'chai';
import type Koa from 'koa';
import request from 'supertest';
import { createApp } from '../../src/api/app';
import { startTracing } from '../../src/telemetry/otel-tracing';
import type { Tracing } from '../../src/telemetry/tracing';
import { deliveryBody } from '../support/deliveries';
import { stack } from '../support/stack';
import { startTestWorker, type TestWorker } from '../support/test-worker';
import { bearer, createUserWithToken } from '../support/users';
import { waitFor } from '../support/wait-for';
import { workflowBundle } from '../support/workflow-bundle';

/** A span's tree, one line per span (`name` indented under its parent), for failure messages. */
function tree(spans: ReadableSpan[], parentId?: string, depth = 0): string[] {
  return spans
    .filter((s) => s.parentSpanId === parentId)
    .flatMap((s) => [
      `${'  '.repeat(depth)}${s.name}`,
      ...tree(spans, s.spanContext().spanId, depth + 1),
    ]);
}

describe('tracing: one trace from the HTTP request to the activities', function () {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  let worker: TestWorker;
  let app: Koa;

  before(async function () {
    this.timeout(180_000);
    tracing = startTracing(new SimpleSpanProcessor(exporter), 'delivery-test');
    const { deps, client } = stack();
    worker = await startTestWorker({
      // The traced bundle as `npm run build` makes it, so a missing interceptor shows here.
      workflows: { kind: 'bundle', codePath: await workflowBundle(true) },
      tracing: tracing.worker,
    });
    const traced = new Client({
      connection: client.connection,
      namespace: 'default',
      interceptors: tracing.clientInterceptors,
    });
    app = createApp({
      ...deps,
      temporal: traced,
      tracer: tracing.tracer,
      config: { ...deps.config, TEMPORAL_TASK_QUEUE: worker.taskQueue },
    });
  });

  after(async () => {
    await worker.stop();
    await tracing.shutdown();
  });

  /** The finished spans of one trace, once one named `until…` is among them. */
  async function traceOf(traceId: string, until: string) {
    const spans = () =>
      exporter.getFinishedSpans().filter((s) => s.spanContext().traceId === traceId);
    await waitFor(
      async () => (spans().some((s) => s.name.startsWith(until)) ? true : undefined),
      `a ${until} span in the trace`,
    );
    const all = spans();
    const shape = tree(all, undefined).join('\n');
    return {
      root: (parentSpanId?: string) => all.find((s) => s.parentSpanId === parentSpanId),
      /** The span under `parent` whose name starts with `prefix`. */
      childOf(parent: ReadableSpan, prefix: string): ReadableSpan {
        const found = all.find(
          (s) => s.name.startsWith(prefix) && s.parentSpanId === parent.spanContext().spanId,
        );
        expect(found, `${prefix}… under ${parent.name} in\n${shape}`).to.not.equal(undefined);
        return found!;
      },
    };
  }

  /** A new delivery, and an active admin and a super admin to move it. */
  async function arrange() {
    const [partner, boss, admin] = await Promise.all(
      (['partner', 'super_admin', 'admin'] as const).map((role) => createUserWithToken({ role })),
    );
    const created = await request(app.callback())
      .post('/api/v1/deliveries')
      .set(bearer(partner!.token))
      .send(deliveryBody());
    expect(created.status).to.equal(201);
    return { id: created.body.id as string, boss: boss!, admin: admin! };
  }

  it('when a delivery is created and later completed, then its trace runs from the server span through the workflow start and the run to its first local activity', async () => {
    const { id, boss, admin } = await arrange();
    const server = exporter
      .getFinishedSpans()
      .filter((s) => s.name === 'POST /api/v1/deliveries')
      .at(-1);
    const moves: [string, Record<string, unknown>, string][] = [
      ['assign', { admin_id: admin.user.id }, boss.token],
      ['status', { status: 'IN_TRANSIT' }, admin.token],
      ['status', { status: 'COMPLETED' }, admin.token],
    ];
    for (const [path, body, token] of moves) {
      const moved = await request(app.callback())
        .post(`/api/v1/deliveries/${id}/${path}`)
        .set(bearer(token))
        .send(body);
      expect(moved.status).to.equal(200);
    }

    // The run's span ends with the run, so only a closed delivery shows the whole tree.
    const trace = await traceOf(server!.spanContext().traceId, 'RunWorkflow:');
    const start = trace.childOf(server!, 'StartWorkflow:deliveryWorkflow');
    const run = trace.childOf(start, 'RunWorkflow:deliveryWorkflow');
    const scheduled = trace.childOf(run, 'StartActivity:recordDeliveryEvent');
    trace.childOf(scheduled, 'RunActivity:recordDeliveryEvent');
  });

  it("when a delivery is assigned, then the caller's trace continues through the server span, the client update, the workflow's update handler and its local activity", async () => {
    const { id, boss, admin } = await arrange();
    const [traceId, callerSpanId] = ['4bf92f3577b34da6a3ce929d0e0e4736', '00f067aa0ba902b7'];
    const assigned = await request(app.callback())
      .post(`/api/v1/deliveries/${id}/assign`)
      .set(bearer(boss.token))
      .set('traceparent', `00-${traceId}-${callerSpanId}-01`)
      .send({ admin_id: admin.user.id });
    expect(assigned.status).to.equal(200);

    const trace = await traceOf(traceId, 'RunActivity:');
    const server = trace.root(callerSpanId);
    expect(server?.name).to.equal('POST /api/v1/deliveries/:id/assign');
    expect(server!.attributes).to.include({
      'http.route': '/api/v1/deliveries/:id/assign',
      'http.response.status_code': 200,
    });
    const update = trace.childOf(server!, 'StartWorkflowUpdate:assign');
    trace.childOf(update, 'ValidateUpdate:assign');
    const handler = trace.childOf(update, 'HandleUpdate:assign');
    const scheduled = trace.childOf(handler, 'StartActivity:recordDeliveryEvent');
    trace.childOf(scheduled, 'RunActivity:recordDeliveryEvent');
  });
});
