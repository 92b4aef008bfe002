import { spawn, type ChildProcess, type StdioOptions } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
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

export interface SpawnedSourceEntryPoint extends SpawnedEntryPoint {
  /** What the process has written to stdout and stderr so far. */
  output(): string;
}

/**
 * Runs a production entry point (`src/server.ts`, `src/worker.ts`) from source as its own
 * process against the test stack's PostgreSQL and Temporal, as a deployment would.
 */
export function spawnEntryPoint(
  entry: 'src/server.ts' | 'src/worker.ts',
  env: Record<string, string>,
): SpawnedSourceEntryPoint {
  const { config, databaseUrl, temporalAddress } = stack();
  const spawned = spawnProcess(
    ['--require', 'tsx/cjs', entry],
    {
      ...process.env,
      NODE_ENV: 'test',
      DATABASE_URL: databaseUrl,
      TEMPORAL_ADDRESS: temporalAddress,
      TEMPORAL_TASK_QUEUE: config.TEMPORAL_TASK_QUEUE,
      JWT_SECRET: config.JWT_SECRET,
      LOG_LEVEL: 'silent',
      ...env,
    },
    ['ignore', 'pipe', 'pipe'],
  );
  let output = '';
  for (const stream of [spawned.child.stdout, spawned.child.stderr]) {
    stream?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  }
  return { ...spawned, output: () => output };
}

/**
 * Runs an entry point of the production build (`npm run build`) with only the given settings
 * (NODE_ENV unset: production), its output appended to `logFile`.
 */
export function spawnBuiltEntryPoint(
  entry: 'dist/src/server.js' | 'dist/src/worker.js' | 'dist/src/setup-cli.js',
  env: Record<string, string>,
  logFile: string,
): SpawnedEntryPoint {
  const log = openSync(logFile, 'a');
  const { PATH, HOME } = process.env;
  const spawned = spawnProcess([entry], { PATH, HOME, ...env }, ['ignore', log, log]);
  closeSync(log);
  return spawned;
}

function spawnProcess(
  args: string[],
  env: NodeJS.ProcessEnv,
  stdio: StdioOptions = 'ignore',
): SpawnedEntryPoint {
  const child = spawn(process.execPath, args, { cwd: ROOT, env, stdio });
  // 'close', not 'exit': piped output may still be arriving when the process has exited.
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  return {
    child,
    exited,
    kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}
