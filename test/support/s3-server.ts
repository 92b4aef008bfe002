import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { freePort } from './free-port';
import { waitFor } from './wait-for';

const ROOT = path.resolve(__dirname, '../..');
/** Built by scripts/ensure-s3-server.js, which `npm test` runs first. */
export const VERSITYGW = path.join(ROOT, '.tools', 'bin', 'versitygw');
const STOP_TIMEOUT_MS = 5_000;

export interface S3Server {
  endpoint: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** A bucket created for this server. */
  bucket: string;
  /** The posix backend's directory: `<dataDir>/<bucket>/<key>` is an object's file. */
  dataDir: string;
  /** The server's output so far, for failure messages. */
  output(): string;
  stop(): Promise<void>;
}

/**
 * A real S3-compatible server (versitygw over its posix backend in a temporary directory) on a
 * free loopback port, with fresh credentials and one empty bucket.
 */
export async function startS3Server(): Promise<S3Server> {
  if (!existsSync(VERSITYGW)) {
    throw new Error(`${VERSITYGW} is missing: run \`node scripts/ensure-s3-server.js\` first`);
  }
  const home = await mkdtemp(path.join(os.tmpdir(), 'versitygw-'));
  const dataDir = path.join(home, 'data');
  await mkdir(dataDir);
  const port = await freePort();
  const accessKeyId = `test${randomBytes(8).toString('hex')}`;
  const secretAccessKey = randomBytes(20).toString('hex');
  const region = 'us-east-1';
  const endpoint = `http://127.0.0.1:${port}`;

  const { PATH, HOME } = process.env;
  const child = spawn(
    VERSITYGW,
    [
      ...['--access', accessKeyId, '--secret', secretAccessKey, '--region', region],
      ...['--port', `127.0.0.1:${port}`, '--health', '/health', '--quiet'],
      ...['posix', dataDir],
    ],
    // Only what it needs: a VGW_* or ROOT_* variable in the caller's shell must not reconfigure it.
    { env: { PATH, HOME }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  for (const stream of [child.stdout, child.stderr]) {
    stream.on('data', (chunk: Buffer) => (output += chunk.toString()));
  }
  const closed = new Promise<void>((resolve) => child.once('close', () => resolve()));
  const running = () => child.exitCode === null && child.signalCode === null;

  const stop = async () => {
    if (running()) {
      child.kill('SIGTERM');
      const stopped = await Promise.race([
        closed.then(() => true),
        new Promise<boolean>((resolve) => setTimeout(resolve, STOP_TIMEOUT_MS, false)),
      ]);
      if (!stopped) child.kill('SIGKILL');
      await closed;
    }
    await rm(home, { recursive: true, force: true });
  };

  try {
    await waitFor(
      async () => {
        if (!running()) throw new Error(`versitygw exited before it was ready:\n${output}`);
        const ok = await fetch(`${endpoint}/health`).then(
          (res) => res.ok,
          () => false,
        );
        return ok ? true : undefined;
      },
      () => `versitygw on ${endpoint} to answer /health; its output:\n${output}`,
    );
    const bucket = `proofs-${randomBytes(6).toString('hex')}`;
    const client = new S3Client({
      endpoint,
      region,
      forcePathStyle: true,
      credentials: { accessKeyId, secretAccessKey },
    });
    try {
      await client.send(new CreateBucketCommand({ Bucket: bucket }));
    } finally {
      client.destroy();
    }
    return {
      endpoint,
      region,
      accessKeyId,
      secretAccessKey,
      bucket,
      dataDir,
      output: () => output,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
