import { expect } from 'chai';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createVenv } from '../../scripts/lib/python-venv';

/**
 * Stand-ins for Debian's `python3` (without python3-venv until apt-get has run) and `apt-get`,
 * first on PATH: what a fresh Debian machine does, without touching this one.
 */
function debianWithoutVenv() {
  const bin = mkdtempSync(path.join(os.tmpdir(), 'venv-test-'));
  const installed = path.join(bin, 'installed');
  const aptLog = path.join(bin, 'apt.log');
  const script = (name: string, body: string) => {
    writeFileSync(path.join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(path.join(bin, name), 0o755);
  };
  script(
    'python3',
    `if [ -e "${installed}" ]; then mkdir -p "$3/bin"; exit 0; fi
echo "The virtual environment was not created successfully because ensurepip is not
available.  On Debian/Ubuntu systems, you need to install the python3-venv
package using the following command.

    apt install python3.11-venv" >&2
mkdir -p "$3"; exit 1`,
  );
  script('apt-get', `echo "$@" >> "${aptLog}"; case "$1" in install) touch "${installed}";; esac`);
  return {
    bin,
    venv: path.join(bin, 'venv'),
    aptCalls: () => (existsSync(aptLog) ? readFileSync(aptLog, 'utf8').trim().split('\n') : []),
  };
}

describe('the fuzz venv on a machine without python3-venv', () => {
  const originalPath = process.env['PATH'];
  const originalGetuid = process.getuid;
  let machine: ReturnType<typeof debianWithoutVenv>;

  beforeEach(() => {
    machine = debianWithoutVenv();
    process.env['PATH'] = `${machine.bin}:${originalPath}`;
  });
  afterEach(() => {
    process.env['PATH'] = originalPath;
    process.getuid = originalGetuid;
    rmSync(machine.bin, { recursive: true, force: true });
  });

  it('when run as root, then python3-venv and the versioned package Debian names are installed and the venv is made', () => {
    process.getuid = () => 0;
    createVenv(machine.venv);
    expect(existsSync(path.join(machine.venv, 'bin'))).to.equal(true);
    expect(machine.aptCalls()).to.deep.equal([
      'update -qq',
      'install -y -qq python3-venv python3.11-venv',
    ]);
  });

  it('when not root, then it fails saying what to install, installs nothing and leaves no half-made venv', () => {
    process.getuid = () => 1000;
    expect(() => createVenv(machine.venv)).to.throw(/apt-get install python3-venv/);
    expect(machine.aptCalls()).to.deep.equal([]);
    expect(existsSync(machine.venv)).to.equal(false);
  });
});
