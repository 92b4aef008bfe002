// Debian packages the project's scripts need (chromium, Java and Maven, python3-venv) are installed
// with apt-get on first use when we may (root); otherwise the caller says what to install.
// Plain JS, like the scripts that call it before tsx exists.
const { execFileSync } = require('node:child_process');

/** Installs the packages with apt-get and returns true, or returns false when we are not root. */
function aptInstall(packages, why) {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return false;
  console.log(`Installing ${packages.join(' ')} ${why} (apt-get)...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', ...packages], { stdio: 'inherit', env });
  return true;
}

module.exports = { aptInstall };
