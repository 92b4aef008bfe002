import { expect } from 'chai';
import request from 'supertest';
import { createApp } from '../../src/api/app';
import { closeServer, listen } from '../../src/api/listen';
import { ApiMetrics } from '../../src/api/metrics';
import { deliveryBody } from '../support/deliveries';
import { SseClient } from '../support/sse-client';
import { stack } from '../support/stack';
import { bearer, createUserWithToken } from '../support/users';
import { baseUrl } from '../support/base-url';

/** The value of one series in the exposition text, 0 when absent. */
function valueOf(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe('GET /metrics', () => {
  it('when deliveries are created, replayed and changed and a stream is open, then Prometheus reads each count and the request durations by route template', async () => {
    const metrics = new ApiMetrics();
    const app = createApp({ ...stack().deps, metrics });
    const server = await listen(app, 0, '127.0.0.1');
    const base = baseUrl(server);
    const partner = await createUserWithToken({ role: 'partner' });
    const admin = await createUserWithToken({ role: 'admin' });
    const boss = await createUserWithToken({ role: 'super_admin' });
    const api = request(base);
    const stream = await SseClient.open(
      `${base}/api/v1/notifications/stream`,
      bearer(partner.token),
    );
    try {
      const body = deliveryBody();
      const created = await api.post('/api/v1/deliveries').set(bearer(partner.token)).send(body);
      await api.post('/api/v1/deliveries').set(bearer(partner.token)).send(body);
      const assign = () =>
        api
          .post(`/api/v1/deliveries/${created.body.id}/assign`)
          .set(bearer(boss.token))
          .set('Idempotency-Key', 'assign-1')
          .send({ admin_id: admin.user.id });
      expect((await assign()).status).to.equal(200);
      expect((await assign()).status).to.equal(200);

      const res = await api.get('/metrics');
      expect(res.status).to.equal(200);
      expect(res.headers['content-type']).to.match(/^text\/plain/);
      const text = res.text;
      expect(valueOf(text, 'deliveries_created_total{outcome="new"}')).to.equal(1);
      expect(valueOf(text, 'deliveries_created_total{outcome="replayed"}')).to.equal(1);
      expect(valueOf(text, 'delivery_changes_total{type="assign",outcome="applied"}')).to.equal(1);
      expect(valueOf(text, 'delivery_changes_total{type="assign",outcome="replayed"}')).to.equal(1);
      expect(valueOf(text, 'notification_streams_open')).to.equal(1);
      expect(
        valueOf(
          text,
          'http_request_duration_seconds_count{route="/api/v1/deliveries/:id/assign",method="POST",status="200"}',
        ),
      ).to.equal(2);
      expect(text).to.not.contain(created.body.id);
      expect(text).to.contain('process_cpu_seconds_total');
      await stack().client.workflow.getHandle(created.body.workflow_id).terminate('test finished');
    } finally {
      stream.close();
      await closeServer(server);
    }
  });
});
