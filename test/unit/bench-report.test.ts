import { expect } from 'chai';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  MARKER_BEGIN,
  MARKER_END,
  renderLatest,
  renderPerformanceTable,
  replaceBetweenMarkers,
  summaryRows,
  writeRecords,
  type BenchRun,
  type RecordedStats,
} from '../../bench/report';

const stats = (p50: number, perSecond: number | null = null): RecordedStats => ({
  n: 100,
  p50,
  p95: p50 * 1.5,
  p99: p50 * 2,
  max: p50 * 3,
  perSecond,
});

function sampleRun(): BenchRun {
  return {
    startedAt: '2030-01-02T03:04:05.678Z',
    endedAt: '2030-01-02T03:09:10.000Z',
    commit: { hash: 'abc1234', uncommitted: [] },
    machine: {
      cores: 2,
      cpuModel: 'Test CPU',
      memoryGiB: 23.5,
      os: 'Linux 6.0',
      node: 'v20.20.2',
      loadAverage: { start: 0.25, end: 2.5 },
    },
    options: { starts: 2000, capacity: 1 },
    bareStart: { stats: stats(100, 250), cores: 'temporal 1.20, node 0.30' },
    create: { stats: stats(150, 210), cores: 'node 1.00', statuses: { '201': 2000 } },
    drain: {
      ms: 20_000,
      backlogEmptyMs: 21_000,
      firstTasksDuringLoad: 300,
      created: 2000,
      perSecond: 45,
      startToFirstTask: stats(20_000),
      queued: stats(19_000),
      ran: stats(5),
      taskTimeouts: 0,
      cores: 'temporal 1.50',
    },
    change: { stats: stats(90, 40), cores: 'node 0.9', statuses: { '200': 1000 }, wrongAnswers: 0 },
    bareUpdate: { stats: stats(60, 220), cores: 'temporal 1.0' },
    lifecycle: {
      runs: 10,
      events: { min: 44, max: 50 },
      firstHistory: { WORKFLOW_EXECUTION_STARTED: 1 },
      apiCalls: stats(120),
      untilClosed: stats(140),
    },
    duplicates: {
      count: 200,
      statuses: { '201': 1, '200 replayed': 199 },
      rows: 1,
      serverErrors: 0,
      stats: stats(300),
    },
    lists: {
      rows: 100_000,
      results: [
        {
          scope: 'partner',
          filter: 'none',
          query: '',
          requests: 200,
          p50: 3,
          p99: 10,
          max: 11,
          pageRows: 20,
        },
        {
          scope: 'super_admin',
          filter: 'all filters',
          query: 'status=COMPLETED',
          requests: 200,
          p50: 9,
          p99: 25,
          max: 30,
          pageRows: 20,
        },
      ],
    },
  };
}

const row = (run: BenchRun, start: string) => {
  const found = summaryRows(run).find((r) => r.measure.startsWith(start));
  if (!found) throw new Error(`no row starting "${start}"`);
  return found;
};

describe('the benchmark report (bench/report.ts)', () => {
  it('when a run is summarised, then the bare start row says no worker polls its queue', () => {
    const bare = row(sampleRun(), 'Bare start (');
    expect(bare.measure).to.match(/unpolled/);
    expect(bare.measure).to.match(/no worker polls its task queue/);
    expect(bare.result).to.equal('250/s');
  });

  it('when measures are summarised, then each goal is judged from the raw numbers', () => {
    const run = sampleRun();
    expect(row(run, 'Create / bare throughput')).to.include({ result: '0.84×', met: true });
    expect(row(run, 'Create p99 / bare p99')).to.include({ result: '1.50×', met: true });
    expect(row(run, 'Change latency').met).to.equal(true);
    expect(row(run, 'Change p50 / bare update p50').result).to.equal('1.50×');
    expect(row(run, 'History events per lifecycle')).to.include({
      result: 'min 44, max 50',
      met: false,
    });
    expect(row(run, 'Duplicate storm').met).to.equal(true);
    expect(row(run, 'Lists at 100,000 rows (2 filter × scope)')).to.include({
      result: 'worst p99 25.0 ms (super_admin, all filters); 1 over 20 ms',
      met: false,
    });
  });

  const tracking = (wrong: number, fcp: number[] | null) => ({
    page: stats(8),
    pageBytes: 1400,
    firstContentfulPaintMs: fcp,
    streams: {
      count: 1000,
      openMs: 9000,
      changeMs: 300,
      allReceivedMs: 450,
      arrival: stats(300),
      reads: 1,
      wrong,
      cores: 'node 0.80',
    },
  });

  it('when the tracking phase ran, then its rows judge the first paint and the open pages', () => {
    const run = { ...sampleRun(), tracking: tracking(0, [150, 170, 320]) };
    expect(row(run, 'Tracking page, time to last byte')).to.include({
      result: 'p50 8.0 ms, p95 12.0 ms, p99 16.0 ms',
      met: true,
    });
    expect(row(run, 'Tracking page, Chromium first-contentful-paint (3 fresh loads)')).to.include({
      result: 'median 170.0 ms, max 320.0 ms',
      met: false,
    });
    expect(row(run, 'Tracking: 1000 open pages on one delivery').met).to.equal(true);
    expect(row(run, 'Tracking: 1000 open pages').result).to.contain('450.0 ms after it was sent');
    expect(renderLatest(run)).to.contain('| Tracking fan-out (1000 pages) | node 0.80 |');
    const wrong = { ...sampleRun(), tracking: tracking(3, null) };
    expect(row(wrong, 'Tracking: 1000 open pages').met).to.equal(false);
    expect(summaryRows(wrong).some((r) => r.measure.includes('first-contentful-paint'))).to.equal(
      false,
    );
  });

  it('when the tracking phase was skipped or the record predates it, then there is no tracking row', () => {
    for (const run of [{ ...sampleRun(), tracking: null }, sampleRun()]) {
      expect(summaryRows(run).some((r) => r.measure.startsWith('Tracking'))).to.equal(false);
      expect(renderLatest(run)).not.to.contain('Tracking fan-out');
    }
  });

  const dispatcherTask = (maxMs: number) => ({
    deliveries: 1000,
    width: 1280,
    runs: 5,
    p50Ms: 1300,
    maxMs,
    stepsP50Ms: { landed: 600, found: 900, back: 1100, assigned: 1300 },
    clicks: 4,
    typedFields: 3,
    personEstimateMs: 7810,
    goalMs: 10_000,
  });

  it('when the dispatcher task ran, then its row states the goal, the actions and met or not met', () => {
    const met = row(
      { ...sampleRun(), dispatcherTask: dispatcherTask(1800) },
      'Dispatcher task in Chromium at 1280 px',
    );
    expect(met).to.include({ goal: 'every run < 10 s', met: true });
    expect(met.result).to.contain('p50 1300.0 ms, max 1800.0 ms');
    expect(met.result).to.contain('7 actions (4 clicks, 3 typed fields)');
    expect(met.result).to.contain('(KLM estimate) about 9110.0 ms');
    const slow = { ...sampleRun(), dispatcherTask: dispatcherTask(10_500) };
    expect(row(slow, 'Dispatcher task in Chromium at 1280 px').met).to.equal(false);
    for (const run of [{ ...sampleRun(), dispatcherTask: null }, sampleRun()]) {
      expect(summaryRows(run).some((r) => r.measure.startsWith('Dispatcher'))).to.equal(false);
    }
  });

  const autoDispatch = (overrides: object = {}) => ({
    deliveries: 1000,
    admins: 10,
    capacity: 20,
    acceptPercent: 70,
    offerTimeoutSeconds: 10,
    maxOffers: 3,
    createdMs: 9_400,
    settledMs: 61_600,
    assigned: 301,
    returned: 699,
    answers: { accepted: 301, declined: 140, retried: 12, refused: { '409': 2 } },
    offersByStatus: { accepted: 301, declined: 140, expired: 20 },
    returnedNotified: 699,
    peakOverCapacity: 0,
    offeredTwice: 0,
    ...overrides,
  });
  const AUTO_DISPATCH = 'Auto-dispatch: a burst of deliveries';

  it('when auto-dispatch ran, then its row gives the outcome and judges each part of the goal', () => {
    const met = row({ ...sampleRun(), autoDispatch: autoDispatch() }, AUTO_DISPATCH);
    expect(met.met).to.equal(true);
    expect(met.result).to.contain('1000 deliveries in a burst for 10 admins × capacity 20');
    expect(met.result).to.contain('settled in 61.6 s; 301 assigned, 699 back in the queue');
    expect(met.result).to.contain('with 699 super-admin notices');
    expect(met.result).to.contain(
      '301 accepted, 140 declined, refused {"409":2} (12 tried again after a 503/429)',
    );
    const missed = [
      { peakOverCapacity: 1 },
      { offeredTwice: 2 },
      { returnedNotified: 698 },
      { assigned: 300 },
    ];
    for (const miss of missed) {
      const run = { ...sampleRun(), autoDispatch: autoDispatch(miss) };
      expect(row(run, AUTO_DISPATCH).met, JSON.stringify(miss)).to.equal(false);
    }
    for (const run of [{ ...sampleRun(), autoDispatch: null }, sampleRun()]) {
      expect(summaryRows(run).some((r) => r.measure.startsWith('Auto-dispatch'))).to.equal(false);
    }
  });

  const step = (rate: number, held: boolean, p99: number, statuses: Record<string, number>) => ({
    rate,
    lifecycles: rate * 15,
    finished: held ? rate * 15 : rate * 15 - 2,
    calls: { ...stats(p99 / 2), p99, n: rate * 60 },
    statuses,
    cpuMsPerLifecycle: { api: 20, worker: 40, temporal: 100, postgres: 30, load: 10 },
    held,
  });
  const capacity = (): NonNullable<BenchRun['capacity']> => ({
    stack: 'dev',
    seconds: 15,
    bare: {
      steps: [step(8, true, 200, { '200': 360, '201': 120 }), step(10, false, 700, { '200': 600 })],
      capacity: 8,
      perLifecycle: {
        samples: 10,
        events: 20,
        workflowTasks: 4,
        activityTasks: 0,
        localActivities: 0,
      },
    },
    platform: {
      steps: [step(4, true, 300, { '200': 180, '201': 60 }), step(5, false, 400, { '503': 3 })],
      capacity: 4,
      perLifecycle: {
        samples: 10,
        events: 47,
        workflowTasks: 6,
        activityTasks: 3,
        localActivities: 5,
      },
    },
    overload: {
      rate: 8,
      seconds: 15,
      lifecycles: 120,
      createsAccepted: 70,
      finished: 70,
      statuses: { 'create 201': 70, 'create 503': 50, 'change 200': 210, 'change 503': 12 },
      all: { ...stats(100), max: 900 },
      accepted: { ...stats(100), p99: 450 },
      refused: { ...stats(5), max: 40 },
      cpuMsPerLifecycle: { api: 20 },
    },
  });

  it('when the capacity phase ran, then its rows give both rates, their ratio, CPU, tasks and the overload judged', () => {
    const run = { ...sampleRun(), capacity: capacity() };
    expect(row(run, 'Lifecycles/s at the service level, bare engine').result).to.equal(
      '8/s: 8/s held, 10/s failed (p99 700.0 ms, 2 unfinished)',
    );
    expect(row(run, 'Lifecycles/s at the service level, platform').measure).to.contain('dev stack');
    expect(row(run, 'Lifecycles/s at the service level, platform').result).to.equal(
      '4/s: 4/s held, 5/s failed (3 not 2xx, 2 unfinished)',
    );
    expect(row(run, 'Platform / bare engine lifecycles per second')).to.include({
      result: '0.50×',
      met: false,
    });
    expect(row(run, 'CPU per lifecycle at 4/s by process, platform').result).to.equal(
      'api 20.0, worker 40.0, temporal 100.0, postgres 30.0 (total 190.0 ms; load generator 10.0 ms)',
    );
    expect(row(run, 'Per lifecycle, platform').result).to.equal(
      '47.0 history events, 6.0 workflow tasks, 3.0 activity tasks, 5.0 local activities',
    );
    // The CPU goal is the production shape's: on the dev stack it is shown, not judged.
    expect(row(run, 'API + worker CPU per lifecycle')).to.include({ result: '60.0 ms', met: null });
    expect(row(run, 'Overload: 8/s offered for 15 s (2.0× the capacity), answers').met).to.equal(
      true,
    );
    expect(row(run, 'Overload: refused')).to.include({
      result: 'max 40.0 ms, p99 10.0 ms',
      met: true,
    });
    expect(row(run, 'Overload: accepted').met).to.equal(true);
    expect(row(run, 'Overload: lifecycles whose create was accepted')).to.include({
      result: '70 of 70 (120 offered)',
      met: true,
    });
    expect(renderLatest(run)).to.contain('## Capacity steps');
    const lost = capacity();
    lost.overload!.finished = 69;
    lost.overload!.refused!.max = 150;
    const judged = { ...sampleRun(), capacity: lost };
    expect(row(judged, 'Overload: lifecycles whose create was accepted').met).to.equal(false);
    expect(row(judged, 'Overload: refused').met).to.equal(false);
    // A record that kept the load generator's own delay says it beside the refusals.
    const lagged = capacity();
    lagged.overload!.loadLagMs = { p99: 12, max: 95 };
    lagged.overload!.refusedInApi = { within100ms: 60, total: 62 };
    expect(row({ ...sampleRun(), capacity: lagged }, 'Overload: refused').result).to.equal(
      "max 40.0 ms, p99 10.0 ms (the load generator's event loop delayed p99 12.0 ms, max 95.0 ms); in the API process 60 of 62 within 100 ms",
    );
    const none = capacity();
    none.overload!.accepted = null;
    const refusedAll = JSON.parse(JSON.stringify({ ...sampleRun(), capacity: none })) as BenchRun;
    expect(row(refusedAll, 'Overload: accepted')).to.include({
      result: 'none accepted',
      met: false,
    });
  });

  it('when the capacity phase was skipped or the record predates it, then there is no capacity row', () => {
    for (const run of [{ ...sampleRun(), capacity: null }, sampleRun()]) {
      expect(summaryRows(run).some((r) => r.measure.startsWith('Lifecycles/s'))).to.equal(false);
      expect(renderLatest(run)).not.to.contain('## Capacity steps');
    }
  });

  it('when the list phase was skipped, then the summary has no list row', () => {
    const run = { ...sampleRun(), lists: null };
    expect(summaryRows(run).some((r) => r.measure.startsWith('Lists'))).to.equal(false);
    expect(renderLatest(run)).not.to.contain('## Lists');
  });

  it('when the record is rendered, then it names its date, commit, machine and load', () => {
    const run = sampleRun();
    run.commit = { hash: 'abc1234', uncommitted: ['src/api/app.ts', 'bench/report.ts'] };
    const text = renderLatest(run);
    expect(text).to.contain('- Date: 2030-01-02T03:04:05.678Z to 2030-01-02T03:09:10.000Z (UTC)');
    expect(text).to.contain('- Commit: abc1234 + uncommitted (src/api/app.ts, bench/report.ts)');
    expect(text).to.contain('- Machine: 2 cores (Test CPU), 23.5 GiB, Linux 6.0, Node v20.20.2');
    expect(text).to.contain('- Load average (1 min): 0.25 at the start, 2.50 at the end');
    expect(text).to.contain('| super_admin | all filters | 9.0 ms | 25.0 ms | 30.0 ms | 20 |');
    expect(text).to.contain('| Create | node 1.00 |');
  });

  it('when the performance table is rendered, then it is the summary with date and commit', () => {
    const run = sampleRun();
    const table = renderPerformanceTable(run);
    expect(table).to.contain('2030-01-02 03:04 UTC, commit abc1234,');
    expect(table).to.contain('on the dev stack (embedded PostgreSQL, the Temporal dev server),');
    const production = { ...run, capacity: { ...capacity(), stack: 'production' as const } };
    expect(renderPerformanceTable(production)).to.contain(
      'its capacity phase on the production shape (API and worker processes on a Temporal cluster over PostgreSQL)',
    );
    expect(row(production, 'API + worker CPU per lifecycle')).to.include({ met: false });
    expect(table).to.contain('options `{"starts":2000,"capacity":1}`');
    for (const r of summaryRows(run)) expect(table).to.contain(`| ${r.measure} | ${r.result} |`);
  });

  it('when the run is read back from its JSON, then it renders the same records', () => {
    const run = sampleRun();
    const again = JSON.parse(JSON.stringify(run)) as BenchRun;
    expect(renderLatest(again)).to.equal(renderLatest(run));
    expect(renderPerformanceTable(again)).to.equal(renderPerformanceTable(run));
  });

  describe('replaceBetweenMarkers', () => {
    const doc = [
      '# Performance',
      '',
      'Prose stays.',
      '',
      MARKER_BEGIN,
      'old table',
      MARKER_END,
      '',
      'More prose.',
      '',
    ].join('\n');

    it('when the markers are there, then only what stood between them changes', () => {
      const out = replaceBetweenMarkers(doc, 'new table\n');
      expect(out).to.equal(
        [
          '# Performance',
          '',
          'Prose stays.',
          '',
          MARKER_BEGIN,
          '',
          'new table',
          '',
          MARKER_END,
          '',
          'More prose.',
          '',
        ].join('\n'),
      );
      expect(replaceBetweenMarkers(out, 'new table')).to.equal(out);
    });

    const broken: [string, string][] = [
      ['no markers', '# Performance\n'],
      ['only the begin marker', `${MARKER_BEGIN}\n`],
      ['the markers swapped', `${MARKER_END}\n${MARKER_BEGIN}\n`],
      ['two tables', `${MARKER_BEGIN}\n${MARKER_END}\n${MARKER_BEGIN}\n${MARKER_END}\n`],
    ];
    for (const [what, text] of broken) {
      it(`when the document has ${what}, then it refuses`, () => {
        expect(() => replaceBetweenMarkers(text, 'x')).to.throw(/bench:begin/);
      });
    }
  });

  describe('writeRecords', () => {
    let dir: string;
    beforeEach(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'bench-report-'));
    });
    afterEach(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('when a run is written, then the JSON, the record and the marked table come from it', async () => {
      const run = sampleRun();
      const performanceDoc = path.join(dir, 'performance.md');
      const resultsDir = path.join(dir, 'results');
      await writeFile(performanceDoc, `# P\n\n${MARKER_BEGIN}\nold\n${MARKER_END}\n\nEnd.\n`);
      await writeRecords(run, { resultsDir, performanceDoc });

      const json = JSON.parse(await readFile(path.join(resultsDir, 'latest.json'), 'utf8'));
      expect(json).to.deep.equal(JSON.parse(JSON.stringify(run)));
      expect(await readFile(path.join(resultsDir, 'latest.md'), 'utf8')).to.equal(
        renderLatest(run),
      );
      const doc = await readFile(performanceDoc, 'utf8');
      expect(doc).to.contain(renderPerformanceTable(run));
      expect(doc).not.to.contain('old');
      expect(doc.startsWith('# P\n\n')).to.equal(true);
      expect(doc.endsWith('\n\nEnd.\n')).to.equal(true);
    });

    it('when the document lost its markers, then nothing is written', async () => {
      const performanceDoc = path.join(dir, 'performance.md');
      const resultsDir = path.join(dir, 'results');
      await writeFile(performanceDoc, '# P\n');
      let error: unknown;
      await writeRecords(sampleRun(), { resultsDir, performanceDoc }).catch((e: unknown) => {
        error = e;
      });
      expect(error).to.be.instanceOf(Error);
      expect(await stat(resultsDir).catch(() => null)).to.equal(null);
      expect(await readFile(performanceDoc, 'utf8')).to.equal('# P\n');
    });
  });
});
