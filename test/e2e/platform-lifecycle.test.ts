import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { baseUrl } from '../support/base-url';
import { freePort } from '../support/free-port';
import { waitForReady } from '../support/platform-http';
import { descendantsOf, isAlive, processesMentioning } from '../support/process-tree';
import { waitFor } from '../support/wait-for';

const ROOT = path.resolve(__dirname, '../..');

interface PlatformPorts {
  port: number;
  pgPort: number;
  temporalPort: number;
  uiPort: number;
}

async function httpStatus(url: string): Promise<number | undefined> {
  try {
    return (await fetch(url, { signal: AbortSignal.timeout(2000) })).status;
  } catch {
    return undefined;
  }
}

describe('the platform process (npm run dev)', function () {
  this.timeout(240_000);
  // Each run starts from its own empty data folder and keeps its own output, so a failure shows
  // only what that platform printed.
  let dataDir: string;
  let platform: ChildProcess | undefined;
  let output: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'platform-'));
    await chmod(dataDir, 0o755);
    output = '';
  });

  afterEach(async () => {
    if (platform && platform.exitCode === null) platform.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  async function platformPorts(): Promise<PlatformPorts> {
    const [port, pgPort, temporalPort, uiPort] = await Promise.all(
      Array.from({ length: 4 }, () => freePort()),
    );
    return { port: port!, pgPort: pgPort!, temporalPort: temporalPort!, uiPort: uiPort! };
  }

  /** `npm run dev` as a supervisor runs it; resolves with its exit code. */
  function startPlatform(ports: PlatformPorts): {
    child: ChildProcess;
    exited: Promise<number | null>;
  } {
    const child = spawn(process.execPath, ['--require', 'tsx/cjs', 'src/platform.ts'], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'development',
        DATABASE_URL: '',
        TEMPORAL_ADDRESS: '',
        DATA_DIR: dataDir,
        PORT: String(ports.port),
        PG_PORT: String(ports.pgPort),
        TEMPORAL_PORT: String(ports.temporalPort),
        TEMPORAL_UI_PORT: String(ports.uiPort),
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    platform = child;
    return { child, exited: new Promise((resolve) => child.once('exit', resolve)) };
  }

  it('when the Temporal dev server cannot start (its port is taken), then the platform stops at once, saying why, and leaves no process', async () => {
    const ports = await platformPorts();
    const squatter = net.createServer().listen(ports.temporalPort, '127.0.0.1');
    await once(squatter, 'listening');
    try {
      const { exited } = startPlatform(ports);
      expect(await exited).to.equal(1);
      expect(output).to.include(`The Temporal dev server on port ${ports.temporalPort} exited`);
      expect(output).not.to.include('did not answer');
      await waitFor(
        async () => (processesMentioning(dataDir).length ? undefined : true),
        'no process left using its data folder',
        20_000,
      );
    } finally {
      squatter.close();
    }
  });

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`when it is ready and receives ${signal}, then no Postgres, Temporal, worker or API process is left`, async () => {
      const ports = await platformPorts();
      const { port, uiPort } = ports;
      const { child, exited } = startPlatform(ports);

      await waitForReady(baseUrl(port), () => `the platform (output so far:\n${output})`, {
        timeoutMs: 180_000,
        child,
      });
      expect(await httpStatus(`${baseUrl(uiPort)}/`)).to.equal(200);
      expect(output).to.include(`http://localhost:${port}/api/v1/docs`);
      expect(output).to.include(`http://localhost:${uiPort}`);

      const children = descendantsOf(child.pid!);
      expect(children.length, 'postgres and temporal run as child processes').to.be.greaterThan(1);

      child.kill(signal);
      expect(await exited).to.equal(0);
      await waitFor(
        async () => (children.some(isAlive) ? undefined : true),
        'every child process to exit',
        20_000,
      );
    });
  }
});
