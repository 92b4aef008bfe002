/** What one schemathesis run (one role) reported in its closing summary. */
export interface FuzzCounts {
  operationsTested: number;
  generated: number;
  /** Cases with at least one failure the hooks kept. */
  failed: number;
  uniqueFailures: number;
  errored: number;
  /** Cases no check applied to. */
  skipped: number;
  /** Failures `filter_failure` dropped (scripts/fuzz_hooks.py). */
  excused: number;
}

export interface FuzzRoleResult {
  role: string;
  passed: boolean;
  counts: FuzzCounts;
}

export interface FuzzRun {
  /** When the run started. */
  startedAt: Date;
  /** `git rev-parse --short HEAD` when the run started. */
  commit: string;
  /** Whether the working tree differed from that commit. */
  dirty: boolean;
  schemathesis: string;
  seed: string;
  maxExamples: string;
  roles: FuzzRoleResult[];
}

// --no-color leaves click's bold markers in when the output is not a terminal.
// eslint-disable-next-line no-control-regex
const stripAnsi = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '');

function count(output: string, pattern: RegExp): number {
  const match = pattern.exec(output);
  return match?.[1] === undefined ? 0 : Number(match[1]);
}

/**
 * Reads the summary schemathesis prints last: "API Operations: … Tested: N", "Filtered: N" and
 * "Test cases: N generated, N passed" or "N generated, N found N unique failures", each optionally
 * followed by ", N errored, N skipped". Throws when there is no summary (the run did not finish).
 */
export function parseFuzzSummary(raw: string): FuzzCounts {
  const output = stripAnsi(raw);
  const cases = /^Test cases:\n {2}(?:No test cases were generated|(\d+) generated(.*))$/m.exec(
    output,
  );
  if (!cases) throw new Error('schemathesis printed no "Test cases:" summary');
  const line = cases[2] ?? '';
  return {
    operationsTested: count(output, /^ {2}Tested: (\d+)$/m),
    generated: Number(cases[1] ?? 0),
    failed: count(line, /, (\d+) found \d+ unique failures?/),
    uniqueFailures: count(line, /found (\d+) unique failures?/),
    errored: count(line, /, (\d+) errored/),
    skipped: count(line, /, (\d+) skipped/),
    excused: count(output, /^Filtered: (\d+) \(dropped by/m),
  };
}

const passedCases = (c: FuzzCounts) => c.generated - c.failed - c.errored - c.skipped;

const pad = (n: number) => String(n).padStart(2, '0');
const utc = (d: Date) =>
  `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
  `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())} UTC`;

/** The Markdown record of a run over every role, written by the run itself. */
export function renderFuzzRecord(run: FuzzRun): string {
  const failed = run.roles.filter((r) => !r.passed).map((r) => r.role);
  const outcome =
    failed.length === 0
      ? '**No failures for any role.**'
      : `**Failures for: ${failed.join(', ')}.**`;
  const rows = run.roles.map(({ role, passed, counts: c }) =>
    [
      role,
      c.operationsTested,
      c.generated,
      passedCases(c),
      c.failed,
      c.errored,
      c.skipped,
      c.excused,
      passed ? 'pass' : 'FAIL',
    ].join(' | '),
  );
  return [
    '# Fuzz run',
    '',
    'Written by `npm run test:fuzz` (scripts/fuzz.ts) after a run over every role; do not edit by hand.',
    '',
    `- Date: ${utc(run.startedAt)}`,
    `- Commit: ${run.commit}${run.dirty ? ' + uncommitted changes' : ''}`,
    `- Schemathesis ${run.schemathesis}, \`--checks all\`, phases examples, coverage, fuzzing, stateful`,
    `- Seed: ${run.seed}; max examples: ${run.maxExamples} per operation and phase`,
    '',
    outcome,
    '',
    '| Role | Operations tested | Cases generated | Passed | Failed | Errored | Skipped | Excused failures |  |',
    '| --- | --: | --: | --: | --: | --: | --: | --: | --- |',
    ...rows.map((row) => `| ${row} |`),
    '',
    'Failed: cases with a failure the hooks kept. Skipped: cases no check applied to. Excused: failures',
    'scripts/fuzz_hooks.py dropped, each a refusal its table lists for that operation or a stream',
    'request let through by the genuine bearer token beside its generated ticket.',
    '',
  ].join('\n');
}

/** One line for a role's run, in words no log reader takes for a test runner's summary. */
export function describeFuzzResult({ role, passed, counts: c }: FuzzRoleResult): string {
  const outcome = passed
    ? 'no failures'
    : `FAILURES: ${c.failed} cases found ${c.uniqueFailures} distinct problems, ${c.errored} errored`;
  return (
    `schemathesis as ${role}: ${outcome}; ${c.operationsTested} operations, ` +
    `${c.generated} cases generated (${c.skipped} skipped, ${c.excused} excused by the hooks)`
  );
}
