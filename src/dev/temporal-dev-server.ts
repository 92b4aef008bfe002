import { spawn, type ChildProcess } from 'node:child_process';

export interface RunningTemporal {
  address: string;
  uiUrl: string | null;
  /** For tests that freeze or kill the server to see how its clients cope. */
  pid: number | undefined;
  /**
   * Rejects if the server exits before `stop()` (a port taken, a locked database file), naming its
   * exit code and its last lines of output, so a caller waiting for it fails at once and says why.
   */
  failed: Promise<never>;
  stop: () => Promise<void>;
}

const REMEMBERED_LINES = 20;

/**
 * Runs `temporal server start-dev` as a child process. With `dbFile` its state survives a
 * restart; without `uiPort` it runs headless (tests).
 */
export function startTemporalDevServer(opts: {
  cliPath: string;
  port: number;
  uiPort: number | null;
  dbFile: string | null;
  namespace: string;
  log?: (line: string) => void;
}): RunningTemporal {
  const args = [
    'server',
    'start-dev',
    '--ip',
    '127.0.0.1',
    '--port',
    String(opts.port),
    '--namespace',
    opts.namespace,
    '--log-level',
    'error',
    // The worker runs a change's email activity itself, straight from the workflow task that
    // scheduled it, instead of a round trip through matching (production: same dynamic config).
    '--dynamic-config-value',
    'system.enableActivityEagerExecution=true',
    // A worker version with no open pinned runs reads DRAINED within seconds, not the server's
    // default of minutes, so trying a rolling upgrade locally (and its test) does not wait.
    '--dynamic-config-value',
    'matching.wv.VersionDrainageStatusVisibilityGracePeriod="5s"',
    '--dynamic-config-value',
    'matching.wv.VersionDrainageStatusRefreshInterval="2s"',
  ];
  if (opts.dbFile) args.push('--db-filename', opts.dbFile);
  if (opts.uiPort) args.push('--ui-port', String(opts.uiPort));
  else args.push('--headless');

  const child = spawn(opts.cliPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const lastLines: string[] = [];
  const forward = (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (!line.trim()) continue;
      lastLines.push(line);
      if (lastLines.length > REMEMBERED_LINES) lastLines.shift();
      opts.log?.(line);
    }
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
  let stopping = false;
  const failed = new Promise<never>((_, reject) => {
    child.once('exit', (code, signal) => {
      if (stopping) return;
      const output = lastLines.length ? `; its last output:\n${lastLines.join('\n')}` : '';
      reject(
        new Error(
          `The Temporal dev server on port ${opts.port} exited (${signal ?? `code ${code}`})${output}`,
        ),
      );
    });
  });
  failed.catch(() => undefined); // observed by whoever awaits it; never an unhandled rejection

  return {
    address: `127.0.0.1:${opts.port}`,
    uiUrl: opts.uiPort ? `http://localhost:${opts.uiPort}` : null,
    pid: child.pid,
    failed,
    stop: () => {
      stopping = true;
      return stopChild(child);
    },
  };
}

export function stopChild(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const killer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(killer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
