#!/usr/bin/env node
// Installs Debian's Chromium for the browser tests; only `npm test` runs it, so `npm run dev`, the
// bench and the fuzz run never install a browser. Plain JS, like scripts/ensure-deps.js.
const { existsSync } = require('node:fs');
const { aptInstall } = require('./lib/apt');

// Browser tests (Swagger UI, account pages, the console) drive Debian's Chromium. It is a system
// package, so it is installed here on first use when we may (root); otherwise we say what is missing.
const chromium = '/usr/bin/chromium';
if (!existsSync(chromium) && process.env.SKIP_BROWSER_INSTALL !== '1') {
  if (!aptInstall(['chromium'], 'for the browser tests')) {
    console.warn(
      `${chromium} is missing: install Debian's chromium (apt-get install chromium) to run the browser tests.`,
    );
  }
}
