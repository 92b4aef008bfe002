import { expect } from 'chai';
import { chmod, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ensureTemporalCli, findRepoRoot } from '../../src/dev/temporal-cli';

// A stand-in for the real binary: these tests must never download or install anything.
async function writeFakeTemporal(dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const binary = path.join(dir, 'temporal');
  await writeFile(binary, '#!/bin/sh\necho "temporal version 9.9.9 (Server 1.0.0, UI 2.0.0)"\n');
  await chmod(binary, 0o755);
  return binary;
}

async function rejectionOf(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected the promise to reject');
}

describe('ensureTemporalCli', () => {
  const savedEnv = { TEMPORAL_CLI: process.env.TEMPORAL_CLI, PATH: process.env.PATH };
  let scratch: string;
  let toolsDir: string;
  let logs: string[];
  const log = (msg: string) => logs.push(msg);

  beforeEach(async () => {
    scratch = await mkdtemp(path.join(os.tmpdir(), 'temporal-cli-test-'));
    toolsDir = path.join(scratch, 'tools');
    logs = [];
    delete process.env.TEMPORAL_CLI;
    // An empty PATH dir keeps any real `temporal` on this machine out of the tests.
    process.env.PATH = path.join(scratch, 'empty-path');
  });

  afterEach(async () => {
    for (const [name, value] of Object.entries(savedEnv)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    await rm(scratch, { recursive: true, force: true });
  });

  it('when TEMPORAL_CLI points at a missing file, then it fails naming the variable', async () => {
    process.env.TEMPORAL_CLI = path.join(scratch, 'nonexistent');

    const error = await rejectionOf(ensureTemporalCli({ toolsDir, log }));

    expect(error.message).to.include('TEMPORAL_CLI').and.include('nonexistent');
  });

  it('when TEMPORAL_CLI is broken, then nothing else is tried', async () => {
    process.env.TEMPORAL_CLI = path.join(scratch, 'nonexistent');
    await writeFakeTemporal(path.join(toolsDir, 'bin'));

    await rejectionOf(ensureTemporalCli({ toolsDir, log }));

    expect(await readdir(toolsDir)).to.deep.equal(['bin']);
    expect(logs).to.deep.equal([]);
  });

  it('when TEMPORAL_CLI points at a file that is not executable, then it fails naming the variable', async () => {
    const notExecutable = path.join(scratch, 'temporal.txt');
    await writeFile(notExecutable, 'not a binary');
    process.env.TEMPORAL_CLI = notExecutable;

    const error = await rejectionOf(ensureTemporalCli({ toolsDir, log }));

    expect(error.message).to.include('TEMPORAL_CLI');
  });

  it('when TEMPORAL_CLI points at a working binary, then it is returned with route env', async () => {
    const binary = await writeFakeTemporal(path.join(scratch, 'elsewhere'));
    process.env.TEMPORAL_CLI = binary;

    const cli = await ensureTemporalCli({ toolsDir, log });

    expect(cli).to.deep.equal({ path: binary, route: 'env', version: '9.9.9' });
    expect(logs).to.deep.equal([`temporal CLI: ${binary} (env, 9.9.9)`]);
  });

  it('when TEMPORAL_CLI points at the cached real binary, then its version is reported', async function () {
    const cached = path.join(findRepoRoot(__dirname), '.tools', 'bin', 'temporal');
    process.env.TEMPORAL_CLI = cached;

    const cli = await ensureTemporalCli({ toolsDir, log }).catch(() => undefined);
    if (!cli) this.skip(); // not installed yet: `npm run setup:temporal`

    expect(cli.route).to.equal('env');
    expect(cli.path).to.equal(cached);
    expect(cli.version).to.match(/^\d+\.\d+\.\d+/);
  });

  it('when temporal is on PATH, then it is returned with route path', async () => {
    const pathDir = path.join(scratch, 'on-path');
    const binary = await writeFakeTemporal(pathDir);
    process.env.PATH = pathDir;

    const cli = await ensureTemporalCli({ toolsDir, log });

    expect(cli).to.deep.equal({ path: binary, route: 'path', version: '9.9.9' });
  });

  it('when the tools folder already holds a binary, then the cache is used', async () => {
    const binary = await writeFakeTemporal(path.join(toolsDir, 'bin'));

    const cli = await ensureTemporalCli({ toolsDir, log });

    expect(cli).to.deep.equal({ path: binary, route: 'cache', version: '9.9.9' });
  });
});
