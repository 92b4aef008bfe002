import { mkdirSync } from 'node:fs';
import { createServer, type RequestListener, type Server } from 'node:http';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { closeServer } from '../../src/api/listen';
import { stack } from './stack';
import { baseUrl } from './base-url';

/** Debian's Chromium, installed by `scripts/ensure-browser.js`. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where browser tests leave their screenshots (kept as CI artifacts). */
export const ARTIFACTS_DIR = path.resolve(__dirname, '..', '..', 'test-artifacts');

/**
 * Headless Chromium with the flags this closed network needs: without the background-networking
 * flags Chromium keeps dialling Google's hosts and its refused connections slow every page.
 * Playwright gives each launch a fresh empty profile.
 */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export function screenshotPath(name: string): string {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return path.join(ARTIFACTS_DIR, `${name}.png`);
}

/**
 * The setup every browser suite shares: registers mocha hooks that serve `handler` (by default the
 * stack's app) on 127.0.0.1 and launch Chromium, and close both afterwards. `handler` is called in
 * the `before` hook, so it may use `stack()`. Read `base()` and `browser()` inside tests.
 */
export function browserSuite(handler: () => RequestListener = () => stack().app.callback()): {
  base: () => string;
  browser: () => Browser;
} {
  let server: Server | undefined;
  let base: string | undefined;
  let browser: Browser | undefined;

  before(async () => {
    server = createServer(handler());
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    base = baseUrl(server);
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    if (server) await closeServer(server);
  });

  return {
    base: () => base!,
    browser: () => browser!,
  };
}

/** A fresh browser context signed in to the console as `who`, once its live stream is up. */
export async function signInToConsole(
  browser: Browser,
  base: string,
  who: { user: { email: string }; password: string },
  viewport = { width: 1280, height: 860 },
): Promise<Page> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  await page.goto(`${base}/console`);
  await page.getByLabel('Email').fill(who.user.email);
  await page.getByLabel('Password').fill(who.password);
  await page.getByLabel('Password').press('Enter');
  await page.locator('.live-status[data-state="live"]').waitFor();
  return page;
}
