#!/usr/bin/env node
// Refuses a Node that package.json's engines does not allow, saying how to get one that it does;
// then installs npm dependencies on first use, again when package-lock.json changed since the last
// install, and rebuilds them when a Node with another ABI runs (native modules are built for the
// Node that installed them), so `npm run dev` and `npm test` work on a fresh clone. Plain JS: it
// runs before tsx exists.
const { execFileSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const { existsSync, readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');
const { unsupportedNodeMessage } = require('./lib/node-version');

const root = path.resolve(__dirname, '..');
const modules = path.join(root, 'node_modules');
const stamp = path.join(modules, '.install-stamp');

const unsupported = unsupportedNodeMessage({
  version: process.version,
  execPath: process.execPath,
  range: JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).engines.node,
  pinned: readFileSync(path.join(root, '.nvmrc'), 'utf8').trim(),
  command: `npm run ${process.env.npm_lifecycle_event ?? 'dev'}`,
});
if (unsupported) {
  console.error(unsupported);
  process.exit(1);
}

const current = {
  lockfile: createHash('sha256')
    .update(readFileSync(path.join(root, 'package-lock.json')))
    .digest('hex'),
  node: process.version,
  abi: `${process.versions.modules}-${process.platform}-${process.arch}`,
};
const installed = readStamp();

const npm = (...args) =>
  execFileSync('npm', [...args, '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
if (!existsSync(modules)) {
  console.log('Installing npm dependencies (npm ci)...');
  npm('ci');
} else if (installed.lockfile === current.lockfile && installed.abi === current.abi) {
  process.exit(0);
} else {
  // An existing tree is reconciled in place (never wiped).
  if (installed.lockfile !== current.lockfile) {
    console.log('Installing npm dependencies (npm install)...');
    npm('install');
  }
  if (installed.abi !== current.abi) {
    const by = installed.node ? `Node ${installed.node} (ABI ${installed.abi})` : 'another Node';
    console.log(
      `node_modules was installed by ${by}; this is Node ${current.node} (ABI ${current.abi}): rebuilding (npm rebuild)...`,
    );
    npm('rebuild');
  }
}
writeFileSync(stamp, JSON.stringify(current));

/** What installed node_modules; an older stamp is the lockfile's digest alone (the Node unknown). */
function readStamp() {
  if (!existsSync(stamp)) return {};
  const text = readFileSync(stamp, 'utf8');
  if (text === current.lockfile) return { lockfile: text };
  try {
    const parsed = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null ? parsed : {};
  } catch {
    return {};
  }
}
