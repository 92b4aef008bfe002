/**
 * The public tracking page, on a running stack (`npm run bench` calls it last, with the platform
 * idle). Goals: the page's first paint under 300 ms, and 1,000 open pages on one delivery all
 * correct after a change. Measures:
 *  1. time to last byte of `GET /track/{token}` (the HTML), one request at a time;
 *  2. Chromium's first-contentful-paint of the page (fresh context: page, style and script
 *     fetched), when /usr/bin/chromium is there;
 *  3. BENCH_TRACKING_STREAMS pages following one delivery (`/track/{token}/events`): the time to
 *     open them, then an assignment through the API and the time until every stream had the new
 *     view, whether each got exactly [before, after], and how many reads the hub made for it.
 * Options: BENCH_TRACKING (1; 0 skips), BENCH_TRACKING_REQUESTS (50), BENCH_TRACKING_STREAMS (1000).
 *
 * Alone: `npx tsx bench/tracking.ts` starts the test stack (worker in process), prints the
 * measures and stops; it writes no record (only a whole `npm run bench` run does).
 */
import { existsSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { closeServer, listen } from '../src/api/listen';
import type { TrackingHub } from '../src/api/tracking/hub';
import { baseUrl } from '../test/support/base-url';
import { CHROMIUM_PATH, launchBrowser } from '../test/support/browser';
import { deliveryBody } from '../test/support/deliveries';
import { SseClient } from '../test/support/sse-client';
import { startStack, stopStack } from '../test/support/stack';
import { createUserWithToken } from '../test/support/users';
import type { RecordedStats, TrackingRecord } from './report';
import { recordStats } from './report';
import { coresSince, cpuSeconds, intOption, load, statsOf, runScript } from './support';

export interface TrackingBenchOptions {
  baseUrl: string;
  hub: TrackingHub;
  partnerToken: string;
  superAdminToken: string;
  adminId: string;
  requests: number;
  streams: number;
}

type Json = Record<string, unknown>;
const WARMUP = 10;
const FCP_LOADS = 3;
/** Pages are opened this many at a time (a crowd arriving, not one socket storm). */
const OPENING_CONCURRENCY = 50;
const FAN_OUT_TIMEOUT_MS = 60_000;

async function call(base: string, path: string, init: RequestInit = {}) {
  const res = await fetch(base + path, init);
  const text = await res.text();
  return { status: res.status, text };
}

async function newDelivery(options: TrackingBenchOptions): Promise<{ id: string; path: string }> {
  const res = await call(options.baseUrl, '/api/v1/deliveries', {
    method: 'POST',
    headers: {
      authorization: `Bearer ${options.partnerToken}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify(deliveryBody({ product_name: 'Bench lamp' })),
  });
  if (res.status !== 201) throw new Error(`create: ${res.status} ${res.text}`);
  const created = JSON.parse(res.text) as { id: string; tracking_url: string };
  return { id: created.id, path: new URL(created.tracking_url).pathname };
}

/** Time to last byte of the HTML page, sequential requests on an idle platform. */
async function pageTimes(base: string, path: string, requests: number) {
  const get = async () => {
    const start = performance.now();
    const res = await call(base, path, { headers: { accept: 'text/html' } });
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status}`);
    return { ms: performance.now() - start, bytes: Buffer.byteLength(res.text) };
  };
  for (let i = 0; i < WARMUP; i++) await get();
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < requests; i++) {
    const { ms, bytes: size } = await get();
    times.push(ms);
    bytes = size;
  }
  return { stats: recordStats(statsOf(times)), bytes };
}

/** Chromium's first-contentful-paint for fresh loads (no cache), or null without Chromium. */
async function firstContentfulPaint(url: string): Promise<number[] | null> {
  if (!existsSync(CHROMIUM_PATH)) return null;
  const browser = await launchBrowser();
  try {
    const paint = async () => {
      const context = await browser.newContext({ viewport: { width: 390, height: 844 } });
      const page = await context.newPage();
      await page.goto(url, { waitUntil: 'load' });
      // Paint entries may be reported after `load`: observe them, buffered ones included.
      const fcp = await page.evaluate<number | null>(`new Promise((resolve) => {
        new PerformanceObserver((list) => {
          const entry = list.getEntriesByName('first-contentful-paint')[0];
          if (entry) resolve(entry.startTime);
        }).observe({ type: 'paint', buffered: true });
        setTimeout(() => resolve(null), 5000);
      })`);
      await context.close();
      if (fcp === null) throw new Error('Chromium reported no first-contentful-paint');
      return fcp;
    };
    await paint(); // the browser's own first start
    const times: number[] = [];
    for (let i = 0; i < FCP_LOADS; i++) times.push(await paint());
    return times;
  } finally {
    await browser.close();
  }
}

const viewsOf = (client: SseClient) =>
  client.events.filter((e) => e.event === 'view').map((e) => e.data ?? '');

/** Many pages on one delivery, one change: how fast and how right the fan-out is. */
async function fanOut(options: TrackingBenchOptions, delivery: { id: string; path: string }) {
  const { baseUrl: base, hub, streams } = options;
  const clients: SseClient[] = [];
  try {
    const opened = await load(streams, OPENING_CONCURRENCY, async () => {
      const client = await SseClient.open(`${base}${delivery.path}/events`);
      clients.push(client);
      if (client.status !== 200) throw new Error(`stream: ${client.status}`);
      await client.waitFor(() => viewsOf(client).length === 1, FAN_OUT_TIMEOUT_MS);
    });
    // Any read still under way for the pages just opened ends before the change is made.
    await hub.refresh(delivery.id);
    const readsBefore = hub.reads;
    const cpu = cpuSeconds();
    const start = performance.now();
    const arrivals = clients.map((client) =>
      client
        .waitFor(() => viewsOf(client).length >= 2, FAN_OUT_TIMEOUT_MS)
        .then(() => performance.now() - start),
    );
    const change = await call(base, `/api/v1/deliveries/${delivery.id}/assign`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${options.superAdminToken}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ admin_id: options.adminId }),
    });
    const changeMs = performance.now() - start;
    if (change.status !== 200) throw new Error(`assign: ${change.status} ${change.text}`);
    const times = await Promise.all(arrivals);
    const wallMs = performance.now() - start;
    const reads = hub.reads - readsBefore;
    const cores = coresSince(cpu, wallMs);

    const after = await call(base, delivery.path, { headers: { accept: 'application/json' } });
    const expected = JSON.stringify(JSON.parse(after.text) as Json);
    const [first] = viewsOf(clients[0]!);
    const wrong = clients.filter((client) => {
      const views = viewsOf(client);
      return views.length !== 2 || views[0] !== first || views[1] !== expected;
    }).length;
    const arrival: RecordedStats = recordStats(statsOf(times));
    return {
      count: streams,
      openMs: opened.wallMs,
      changeMs,
      allReceivedMs: Math.max(...times),
      arrival,
      reads,
      wrong,
      cores,
    };
  } finally {
    for (const client of clients) client.close();
  }
}

export async function benchTracking(options: TrackingBenchOptions): Promise<TrackingRecord> {
  const delivery = await newDelivery(options);
  const page = await pageTimes(options.baseUrl, delivery.path, options.requests);
  const s = page.stats;
  console.log(
    `tracking page   n=${s.n} p50=${s.p50.toFixed(1)}ms p99=${s.p99.toFixed(1)}ms ` +
      `max=${s.max.toFixed(1)}ms (time to last byte, ${page.bytes} bytes)`,
  );
  const fcp = await firstContentfulPaint(options.baseUrl + delivery.path);
  console.log(
    fcp === null
      ? `tracking FCP    not measured (no ${CHROMIUM_PATH})`
      : `tracking FCP    ${fcp.map((t) => `${t.toFixed(1)}ms`).join(', ')} (Chromium, fresh loads)`,
  );
  const streams = await fanOut(options, delivery);
  console.log(
    `tracking fan-out ${streams.count} pages opened in ${streams.openMs.toFixed(0)}ms; the change ` +
      `answered in ${streams.changeMs.toFixed(1)}ms and every page had it after ` +
      `${streams.allReceivedMs.toFixed(1)}ms (p50 ${streams.arrival.p50.toFixed(1)}ms); ` +
      `${streams.reads} read(s), ${streams.wrong} wrong; cores: ${streams.cores}`,
  );
  return { page: page.stats, pageBytes: page.bytes, firstContentfulPaintMs: fcp, streams };
}

async function main(): Promise<void> {
  const stack = await startStack();
  const server = await listen(stack.app, 0, '127.0.0.1');
  try {
    const [partner, superAdmin, admin] = await Promise.all([
      createUserWithToken({ role: 'partner' }),
      createUserWithToken({ role: 'super_admin' }),
      createUserWithToken({ role: 'admin', first_name: 'Ada' }),
    ]);
    await benchTracking({
      baseUrl: baseUrl(server),
      hub: stack.deps.trackingHub,
      partnerToken: partner.token,
      superAdminToken: superAdmin.token,
      adminId: admin.user.id,
      requests: intOption('BENCH_TRACKING_REQUESTS', 50),
      streams: intOption('BENCH_TRACKING_STREAMS', 1000),
    });
  } finally {
    await closeServer(server);
    await stopStack();
  }
}

if (require.main === module) runScript(main);
