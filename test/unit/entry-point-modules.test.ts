import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { LoadedModules } from '../support/report-loaded-modules';

const ROOT = path.resolve(__dirname, '../..');
const OTEL_SDK = [
  '@opentelemetry/sdk-trace-base',
  '@opentelemetry/sdk-trace-node',
  '@opentelemetry/exporter-trace-otlp-http',
];

/** Which of `names` are in `loaded` (an empty list when none, and the culprits when some). */
const among = (loaded: string[], names: string[]) => loaded.filter((name) => names.includes(name));

/**
 * Runs `node` on `args` from source with only `env` and resolves with what it had loaded when it
 * exited, and what it wrote to stderr.
 */
async function loadedBy(
  args: string[],
  env: Record<string, string>,
): Promise<LoadedModules & { stderr: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'loaded-modules-'));
  try {
    const file = path.join(dir, 'loaded.json');
    const preload = [
      '--require',
      'tsx/cjs',
      '--require',
      './test/support/report-loaded-modules.ts',
    ];
    const { PATH, HOME } = process.env;
    const stderr = await new Promise<string>((resolve) => {
      execFile(
        process.execPath,
        [...preload, ...args],
        { cwd: ROOT, env: { PATH, HOME, LOADED_MODULES_FILE: file, ...env }, timeout: 20_000 },
        (_error, _stdout, err) => resolve(err),
      );
    });
    const loaded = JSON.parse(await readFile(file, 'utf8')) as LoadedModules;
    return { ...loaded, stderr };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Each entry point runs with NODE_ENV=production and no JWT_SECRET, so it stops at its first line
 * (the configuration check) before any I/O: what it has loaded then is what its imports load.
 */
const entryPoint = (entry: string) => loadedBy([entry], { NODE_ENV: 'production' });

describe('what each production process loads', () => {
  it('when the API entry point starts, then it loads Koa but neither the worker nor the OpenTelemetry SDK', async () => {
    const loaded = await entryPoint('src/server.ts');
    expect(loaded.stderr).to.include('JWT_SECRET');
    expect(loaded.packages).to.include.members(['koa', '@koa/router', '@temporalio/client']);
    expect(among(loaded.packages, ['@temporalio/worker', ...OTEL_SDK])).to.deep.equal([]);
    expect(loaded.sources.filter((file) => file.startsWith('src/worker/'))).to.deep.equal([]);
  });

  it('when the worker entry point starts, then it loads the Temporal worker but neither Koa, the API nor the OpenTelemetry SDK', async () => {
    const loaded = await entryPoint('src/worker.ts');
    expect(loaded.stderr).to.include('JWT_SECRET');
    expect(loaded.packages).to.include('@temporalio/worker');
    expect(among(loaded.packages, ['koa', '@koa/router', ...OTEL_SDK])).to.deep.equal([]);
    const ownApi = loaded.sources.filter((file) => /^src\/(api|console)\//.test(file));
    expect(ownApi).to.deep.equal([]);
  });

  it('when tracing is on, then starting it loads the OpenTelemetry SDK but not the Temporal worker', async () => {
    const startTracing = `
      const { loadConfig } = require('./src/config');
      const { tracingFromConfig } = require('./src/telemetry/tracing');
      const config = loadConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318' }, 'test');
      void tracingFromConfig(config, 'probe').shutdown();`;
    const loaded = await loadedBy(['-e', startTracing], {});
    expect(loaded.stderr).to.equal('');
    expect(loaded.packages).to.include.members(OTEL_SDK);
    expect(loaded.packages).to.not.include('@temporalio/worker');
  });
});
