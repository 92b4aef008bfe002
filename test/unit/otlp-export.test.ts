import { createServer, type IncomingMessage } from 'node:http';
import { expect } from 'chai';
import { loadConfig } from '../../src/config';
import { tracingFromConfig } from '../../src/telemetry/tracing';
import { baseUrl } from '../support/base-url';

/** A stand-in OTLP/HTTP collector that keeps what it receives. */
async function collector() {
  const received: { path: string; body: string }[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: Buffer.concat(chunks).toString() });
      res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: baseUrl(server),
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('tracing configuration', () => {
  it('when OTEL_EXPORTER_OTLP_ENDPOINT is unset, then there is no tracing to wire in', () => {
    expect(tracingFromConfig(loadConfig({}, 'development'), 'delivery-api')).to.equal(undefined);
  });

  it('when OTEL_EXPORTER_OTLP_ENDPOINT is set, then spans reach its /v1/traces with the service name', async () => {
    const otlp = await collector();
    try {
      const config = loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: `${otlp.url}/` }, 'development');
      const tracing = tracingFromConfig(config, 'delivery-api');
      tracing!.tracer.startSpan('probe-span').end();
      await tracing!.shutdown();
      expect(otlp.received.map((r) => r.path)).to.deep.equal(['/v1/traces']);
      expect(otlp.received[0]!.body).to.include('probe-span').and.include('delivery-api');
    } finally {
      await otlp.close();
    }
  });

  it('when OTEL_EXPORTER_OTLP_ENDPOINT is not a URL, then the configuration names it', () => {
    expect(() => loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector' }, 'development')).to.throw(
      /OTEL_EXPORTER_OTLP_ENDPOINT/,
    );
  });
});
