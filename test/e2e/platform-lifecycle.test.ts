import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { baseUrl } from '../support/base-url';
import { freePort } from '../support/free-port';
import { waitForReady } from '../support/platform-http';
import { descendantsOf, isAlive } from '../support/process-tree';
import { waitFor } from '../support/wait-for';

const ROOT = path.resolve(__dirname, '../..');

async function httpStatus(url: string): Promise<number | undefined> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2000) })).status;
  } catch {
    return undefined;
  }
}

describe('the platform process (npm run dev)', function () {
  this.timeout(240_000);
  let dataDir: string;
  let platform: ChildProcess | undefined;
  let output = '';

  before(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'platform-'));
    await chmod(dataDir, 0o755);
  });

  after(async () => {
    if (platform && platform.exitCode === null) platform.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`when it is ready and receives ${signal}, then no Postgres, Temporal, worker or API process is left`, async () => {
      const [port, pgPort, temporalPort, uiPort] = await Promise.all([
        freePort(),
        freePort(),
        freePort(),
        freePort(),
      ]);
      platform = spawn(process.execPath, ['--require', 'tsx/cjs', 'src/platform.ts'], {
        cwd: ROOT,
        env: {
          ...process.env,
          NODE_ENV: 'development',
          DATABASE_URL: '',
          TEMPORAL_ADDRESS: '',
          DATA_DIR: dataDir,
          PORT: String(port),
          PG_PORT: String(pgPort),
          TEMPORAL_PORT: String(temporalPort),
          TEMPORAL_UI_PORT: String(uiPort),
          LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      platform.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      platform.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const exited = new Promise<number | null>((resolve) => platform?.once('exit', resolve));

      await waitForReady(baseUrl(port), () => `the platform (output so far:\n${output})`, {
        timeoutMs: 180_000,
        child: platform,
      });
      expect(await httpStatus(`${baseUrl(uiPort)}/`)).to.equal(200);
      expect(output).to.include(`http://localhost:${port}/api/v1/docs`);
      expect(output).to.include(`http://localhost:${uiPort}`);

      const children = descendantsOf(platform.pid!);
      expect(children.length, 'postgres and temporal run as child processes').to.be.greaterThan(1);

      platform.kill(signal);
      expect(await exited).to.equal(0);
      await waitFor(
        async () => (children.some(isAlive) ? undefined : true),
        'every child process to exit',
        20_000,
      );
    });
  }
});
