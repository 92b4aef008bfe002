#!/usr/bin/env node
// Installs npm dependencies on first use, and again when package-lock.json changed since the last
// install, so `npm run dev` and `npm test` work on a fresh clone. Plain JS: it runs before tsx exists.
const { execFileSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const { existsSync, readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const modules = path.join(root, 'node_modules');
const stamp = path.join(modules, '.install-stamp');
const digest = createHash('sha256')
  .update(readFileSync(path.join(root, 'package-lock.json')))
  .digest('hex');

if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== digest) {
  // A fresh clone gets a clean `npm ci`; an existing tree is reconciled in place (never wiped).
  const args = existsSync(modules) ? ['install'] : ['ci'];
  console.log(`Installing npm dependencies (npm ${args[0]})...`);
  execFileSync('npm', [...args, '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  writeFileSync(stamp, digest);
}
