import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { aptInstall } from './apt';

/** The venv's error when Debian's python3 lacks ensurepip/venv (they ship in python3-venv). */
const VENV_MISSING = /ensurepip is not\s+available|No module named '?(venv|ensurepip)/;

/**
 * Creates a Python virtual environment in `dir`. Debian's python3 has no ensurepip without the
 * python3-venv package, which nothing else installs: as root it is installed and the venv made
 * again; otherwise the error says what to install.
 */
export function createVenv(dir: string): void {
  const attempt = () =>
    spawnSync('python3', ['-m', 'venv', dir], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  let result = attempt();
  const output = () => `${result.stdout ?? ''}${result.stderr ?? ''}${result.error?.message ?? ''}`;
  if (result.status !== 0 && VENV_MISSING.test(output())) {
    // Debian's message names the versioned package (python3.11-venv) python3-venv depends on.
    const named = /apt install (python3[\w.]*-venv)/.exec(output())?.[1];
    const packages = [...new Set(['python3-venv', ...(named ? [named] : [])])];
    rmSync(dir, { recursive: true, force: true });
    if (aptInstall(packages, 'for Python virtual environments')) result = attempt();
  }
  if (result.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(
      `python3 -m venv failed: it needs Python 3 with venv and ensurepip ` +
        `(on Debian: apt-get install python3-venv).\n${output()}`,
    );
  }
}
