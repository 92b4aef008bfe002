#!/usr/bin/env node
// Builds versitygw, the S3-compatible server the attachment storage tests run against, into
// .tools/bin on first use (`go install` from the Go module proxy). Plain JS, like ensure-deps.js.
// Re-runs are instant; a changed pinned version builds again.
const { execFileSync } = require('node:child_process');
const { existsSync, mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const MODULE = 'github.com/versity/versitygw/cmd/versitygw';
const VERSION = 'v1.8.0';

const root = path.resolve(__dirname, '..');
const bin = path.join(root, '.tools', 'bin');
const executable = path.join(bin, 'versitygw');
const stamp = path.join(bin, '.versitygw-version');

function onPath(command) {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const installed = existsSync(stamp) ? readFileSync(stamp, 'utf8') : '';
if (!existsSync(executable) || installed !== VERSION) {
  if (!onPath('go')) {
    throw new Error(`Go 1.25+ is needed to build ${MODULE}@${VERSION} for the S3 storage tests`);
  }
  mkdirSync(bin, { recursive: true });
  console.log(
    `Building ${MODULE}@${VERSION} into ${bin} (go install; a few minutes the first time)...`,
  );
  const started = Date.now();
  execFileSync('go', ['install', `${MODULE}@${VERSION}`], {
    stdio: 'inherit',
    env: { ...process.env, GOBIN: bin },
  });
  writeFileSync(stamp, VERSION);
  console.log(`versitygw ${VERSION} built in ${Math.round((Date.now() - started) / 1000)} s`);
}
