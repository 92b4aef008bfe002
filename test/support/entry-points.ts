import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { stack } from './stack';

const ROOT = path.resolve(__dirname, '../..');

export interface SpawnedEntryPoint {
  child: ChildProcess;
  /** Resolves with the exit code once the process has ended. */
  exited: Promise<number | null>;
  /** SIGKILLs the process if it still runs (for `finally`). */
  kill(): void;
}

/**
 * Runs a production entry point (`src/server.ts`, `src/worker.ts`) from source as its own
 * process against the test stack's PostgreSQL and Temporal, as a deployment would.
 */
export function spawnEntryPoint(
  entry: 'src/server.ts' | 'src/worker.ts',
  env: Record<string, string>,
): SpawnedEntryPoint {
  const { config, databaseUrl, temporalAddress } = stack();
  const child = spawn(process.execPath, ['--require', 'tsx/cjs', entry], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_TASK_QUEUE: config.TEMPORAL_TASK_QUEUE,
      JWT_SECRET: config.JWT_SECRET,
      LOG_LEVEL: 'silent',
      ...env,
    },
    stdio: 'ignore',
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  return {
    child,
    exited,
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
