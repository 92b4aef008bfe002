import { expect } from 'chai';
import {
  describeFuzzResult,
  parseFuzzSummary,
  renderFuzzRecord,
  type FuzzCounts,
} from '../../scripts/lib/fuzz-record';
import { selectFuzzRoles } from '../../scripts/lib/fuzz-roles';

const ROLES = ['unauthenticated', 'partner', 'admin', 'super_admin'] as const;

describe('the roles FUZZ_ROLES selects', () => {
  const selections: [string | undefined, string[]][] = [
    [undefined, [...ROLES]],
    ['admin', ['admin']],
    // The run order stays the list's (the super admin last), whatever order the names come in.
    ['super_admin,partner', ['partner', 'super_admin']],
    [' admin , partner ,', ['partner', 'admin']],
  ];
  for (const [requested, expected] of selections) {
    it(`when FUZZ_ROLES is ${JSON.stringify(requested)}, then it runs ${expected.join(', ')}`, () => {
      expect(selectFuzzRoles(ROLES, requested)).to.deep.equal(expected);
    });
  }

  it('when a name is not a role, then it fails naming it and the known roles, whatever else is named', () => {
    expect(() => selectFuzzRoles(ROLES, 'admin,superadmin')).to.throw(
      'FUZZ_ROLES names no such role: "superadmin" (known roles: unauthenticated, partner, admin, super_admin)',
    );
  });

  for (const requested of ['', ' , ']) {
    it(`when FUZZ_ROLES is ${JSON.stringify(requested)}, then it fails: it selects no role`, () => {
      expect(() => selectFuzzRoles(ROLES, requested)).to.throw(/selects no role/);
    });
  }
});

const summary = (cases: string) => `API Operations:
  Selected: \u001b[1m33\u001b[0m/\u001b[1m33\u001b[0m
  Tested: \u001b[1m33\u001b[0m

Filtered: \u001b[1m12\u001b[0m (dropped by \`filter_failure\`)

Test cases:
  ${cases}

Seed: 1
`;

describe('a schemathesis summary', () => {
  const base = { operationsTested: 33, excused: 12, errored: 0, skipped: 0 };
  // Click's bold markers survive --no-color when the output is not a terminal.
  const bold = (n: number) => `\u001b[1m${n}\u001b[0m`;
  // Named, not quoted: a quoted summary in a test's title would put schemathesis' counts in CI's log.
  const summaries: [string, string, FuzzCounts][] = [
    [
      'every case passed',
      '1800 generated, 1800 passed',
      { ...base, generated: 1800, failed: 0, uniqueFailures: 0 },
    ],
    [
      'some cases failed, errored or were skipped',
      '1800 generated, 3 found 2 unique failures, 1 errored, 40 skipped',
      { ...base, generated: 1800, failed: 3, uniqueFailures: 2, errored: 1, skipped: 40 },
    ],
    [
      'the numbers are in bold and one failure is singular',
      `${bold(1800)} generated, ${bold(1)} found ${bold(1)} unique failure`,
      { ...base, generated: 1800, failed: 1, uniqueFailures: 1 },
    ],
  ];
  for (const [what, cases, counts] of summaries) {
    it(`when ${what}, then the counts are read`, () => {
      expect(parseFuzzSummary(summary(cases))).to.deep.equal(counts);
    });
  }

  it('when the run stopped before its summary, then reading it fails', () => {
    expect(() => parseFuzzSummary('Seed: 1\n')).to.throw(/no "Test cases:" summary/);
  });
});

describe('the fuzz record', () => {
  const counts = (generated: number, failed = 0): FuzzCounts => ({
    operationsTested: 33,
    generated,
    failed,
    uniqueFailures: failed,
    errored: 0,
    skipped: 5,
    excused: 2,
  });
  const run = {
    startedAt: new Date('2026-12-01T09:05:00Z'),
    commit: 'abc1234',
    dirty: false,
    schemathesis: '4.32.5',
    seed: '1',
    maxExamples: '15',
    roles: [
      { role: 'unauthenticated', passed: true, counts: counts(900) },
      { role: 'super_admin', passed: true, counts: counts(1800) },
    ],
  };

  it('when every role passed, then it gives the date in UTC, the commit, the seed and per-role counts', () => {
    const record = renderFuzzRecord(run);
    expect(record).to.include('- Date: 2026-12-01 09:05 UTC');
    expect(record).to.include('- Commit: abc1234\n');
    expect(record).to.include('- Seed: 1; max examples: 15 per operation and phase');
    expect(record).to.include('**No failures for any role.**');
    expect(record).to.include('| super_admin | 33 | 1800 | 1795 | 0 | 0 | 5 | 2 | pass |');
  });

  it('when the tree was dirty and a role failed, then the record says both', () => {
    const failing = {
      ...run,
      dirty: true,
      roles: [{ role: 'admin', passed: false, counts: counts(1000, 4) }],
    };
    const record = renderFuzzRecord(failing);
    expect(record).to.include('- Commit: abc1234 + uncommitted changes');
    expect(record).to.include('**Failures for: admin.**');
    expect(record).to.include('| admin | 33 | 1000 | 991 | 4 | 0 | 5 | 2 | FAIL |');
  });

  it("when a role ran, then its line in the log says the outcome and counts in words, not in a test summary's", () => {
    const passing = describeFuzzResult({ role: 'partner', passed: true, counts: counts(900) });
    expect(passing).to.equal(
      'schemathesis as partner: no failures; 33 operations, 900 cases generated (5 skipped, 2 excused by the hooks)',
    );
    const failing = describeFuzzResult({ role: 'admin', passed: false, counts: counts(1000, 4) });
    expect(failing).to.match(/^schemathesis as admin: FAILURES: 4 cases found 4 distinct problems/);
    for (const line of [passing, failing])
      expect(line).not.to.match(/\d+ (passed|passing|failed)\b/);
  });
});
