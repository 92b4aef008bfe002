#!/usr/bin/env node
// Installs the Temporal Java SDK's time-skipping test server (Maven Central) under .tools/ on first
// use, for the unit tier (`npm run test:unit`), and writes the executable that @temporalio/testing
// starts as an 'existing-path' server. Plain JS, like ensure-deps.js. Re-runs are instant; a
// changed pom.xml fetches again.
const { execFileSync } = require('node:child_process');
const { createHash } = require('node:crypto');
const {
  chmodSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} = require('node:fs');
const path = require('node:path');
const { aptInstall } = require('./lib/apt');

const root = path.resolve(__dirname, '..');
const pom = path.join(__dirname, 'temporal-test-server', 'pom.xml');
const home = path.join(root, '.tools', 'temporal-test-server');
const executable = path.join(home, 'temporal-test-server');
const stamp = path.join(home, '.stamp');
const digest = createHash('sha256').update(readFileSync(pom)).digest('hex');

function onPath(command) {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// Java and Maven are Debian packages: installed here when we may (root), as for chromium.
function ensureMaven() {
  if (onPath('mvn') && onPath('java')) return;
  if (!aptInstall(['default-jre-headless', 'maven'], 'for the time-skipping test server')) {
    throw new Error('Java 17+ and Maven are needed for the unit tier: apt-get install maven');
  }
}

if (!existsSync(stamp) || readFileSync(stamp, 'utf8') !== digest || !existsSync(executable)) {
  ensureMaven();
  console.log('Fetching the Temporal time-skipping test server from Maven Central...');
  rmSync(home, { recursive: true, force: true });
  mkdirSync(home, { recursive: true });
  execFileSync(
    'mvn',
    [
      '-q',
      '-B',
      '-Dstyle.color=never',
      '-f',
      pom,
      'dependency:copy-dependencies',
      '-DincludeScope=runtime',
      `-DoutputDirectory=${path.join(home, 'lib')}`,
    ],
    { stdio: 'inherit' },
  );
  // @temporalio/testing runs the executable as `<path> <port> --enable-time-skipping [extra]`.
  writeFileSync(
    executable,
    '#!/bin/sh\nexec java -cp "$(dirname "$0")/lib/*" io.temporal.testserver.TestServer "$@"\n',
  );
  chmodSync(executable, 0o755);
  writeFileSync(stamp, digest);
}
