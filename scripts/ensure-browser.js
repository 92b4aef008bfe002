#!/usr/bin/env node
// Installs Debian's Chromium for the browser tests; only `npm test` runs it, so `npm run dev`, the
// bench and the fuzz run never install a browser. Plain JS, like scripts/ensure-deps.js.
const { execFileSync } = require('node:child_process');
const { existsSync } = require('node:fs');

// Browser tests (Swagger UI, account pages, the console) drive Debian's Chromium. It is a system
// package, so it is installed here on first use when we may (root); otherwise we say what is missing.
const chromium = '/usr/bin/chromium';
if (!existsSync(chromium) && process.env.SKIP_BROWSER_INSTALL !== '1') {
  if (typeof process.getuid === 'function' && process.getuid() === 0) {
    console.log('Installing Debian chromium for the browser tests (apt-get)...');
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit', env });
  } else {
    console.warn(
      `${chromium} is missing: install Debian's chromium (apt-get install chromium) to run the browser tests.`,
    );
  }
}
