import http from 'node:http';
import { expect } from 'chai';
import { deliveryBody } from '../support/deliveries';
import { spawnEntryPoint } from '../support/entry-points';
import { baseUrl } from '../support/base-url';
import { freePort } from '../support/free-port';
import { waitForReady } from '../support/platform-http';
import { SseClient } from '../support/sse-client';
import { stack } from '../support/stack';
import { bearer, createUserWithToken } from '../support/users';

/** A POST whose headers and first half of the body are sent now, the rest when asked. */
function halfSentPost(
  port: number,
  urlPath: string,
  headers: Record<string, string>,
  body: string,
) {
  const request = http.request({
    host: '127.0.0.1',
    port,
    path: urlPath,
    method: 'POST',
    headers: {
      ...headers,
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
    },
  });
  const answer = new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }>(
    (resolve, reject) => {
      request.on('error', reject);
      request.on('response', (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text }),
        );
      });
    },
  );
  const half = Math.floor(body.length / 2);
  request.write(body.slice(0, half));
  return {
    answer,
    finish: () => request.end(body.slice(half)),
  };
}

describe('the API process stops gracefully on SIGTERM', function () {
  this.timeout(120_000);

  it('when SIGTERM arrives with a request half-sent and a stream open, then the request is answered, the stream ends with a reconnect hint, new connections are refused and the process exits 0', async () => {
    const partner = await createUserWithToken({ role: 'partner' });
    const port = await freePort();
    const api = spawnEntryPoint('src/server.ts', {
      PORT: String(port),
      SHUTDOWN_GRACE_SECONDS: '15',
    });
    try {
      const base = baseUrl(port);
      await waitForReady(base, 'the API process', { timeoutMs: 60_000, child: api.child });
      const stream = await SseClient.open(
        `${base}/api/v1/notifications/stream`,
        bearer(partner.token),
      );
      expect(stream.status).to.equal(200);
      const body = JSON.stringify(deliveryBody());
      const inFlight = halfSentPost(port, '/api/v1/deliveries', bearer(partner.token), body);
      await new Promise((resolve) => setTimeout(resolve, 200));

      api.child.kill('SIGTERM');
      await stream.ended;
      expect(stream.events.some((e) => e.comments.some((c) => /restarting/.test(c)))).to.equal(
        true,
      );
      const refused = await fetch(`${base}/healthz`).then(
        () => 'answered',
        () => 'refused',
      );
      expect(refused, 'a new connection after SIGTERM').to.equal('refused');

      inFlight.finish();
      const answer = await inFlight.answer;
      expect(answer.status, answer.body).to.equal(201);
      expect(answer.headers['connection']).to.equal('close');
      expect(await api.exited).to.equal(0);
      const created = JSON.parse(answer.body) as { workflow_id: string };
      await stack().client.workflow.getHandle(created.workflow_id).terminate('test finished');
    } finally {
      api.kill();
    }
  });
});
