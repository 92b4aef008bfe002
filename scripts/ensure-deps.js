#!/usr/bin/env node
// Installs npm dependencies on first use (or when package-lock.json changed since the last
// install), so `npm run dev` and `npm test` work on a fresh clone. Plain JS: it runs before tsx exists.
const { execFileSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const { existsSync, readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const lock = path.join(root, 'package-lock.json');
const stamp = path.join(root, 'node_modules', '.install-stamp');
const digest = createHash('sha256').update(readFileSync(lock)).digest('hex');

if (existsSync(stamp) && readFileSync(stamp, 'utf8') === digest) process.exit(0);

console.log('Installing npm dependencies (npm ci)...');
execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
writeFileSync(stamp, digest);
