import { expect } from 'chai';
import { planRecording, RecordingRefused, type RecordingPlan } from './recording-plan';

const SCENARIOS = ['completed', 'deadlines', 'signal-ignored'];
const RECORDED = new Set(['completed', 'deadlines']);

describe('which histories the recorder records (append-only)', () => {
  const plans: [string, string[], RecordingPlan][] = [
    [
      'no scenario is named, then only those without a history are recorded and the rest named as skipped',
      [],
      { record: ['signal-ignored'], skipped: ['completed', 'deadlines'] },
    ],
    [
      'a scenario without a history is named, then only it is recorded',
      ['signal-ignored'],
      { record: ['signal-ignored'], skipped: [] },
    ],
    [
      'a recorded scenario is named with --overwrite, then it is recorded again',
      ['--overwrite', 'deadlines'],
      { record: ['deadlines'], skipped: [] },
    ],
    [
      'both kinds are named, each rightly, then both are recorded, in the given order',
      ['signal-ignored', '--overwrite', 'completed'],
      { record: ['signal-ignored', 'completed'], skipped: [] },
    ],
  ];
  for (const [when, argv, plan] of plans) {
    it(`when ${when}`, () => {
      expect(planRecording(argv, SCENARIOS, RECORDED)).to.deep.equal(plan);
    });
  }

  const refusals: [string, string[], RegExp][] = [
    [
      'a recorded scenario is named without --overwrite',
      ['deadlines'],
      /deadlines\.json already recorded.*--overwrite deadlines/,
    ],
    [
      'one recorded scenario is named with --overwrite and another without',
      ['--overwrite', 'completed', 'deadlines'],
      /^deadlines\.json already recorded/,
    ],
    ['--overwrite names no scenario', ['--overwrite'], /--overwrite needs the scenario/],
    ['--overwrite is followed by another option', ['--overwrite', '--force'], /needs the scenario/],
    ['an unknown option is given', ['--force', 'completed'], /Unknown option --force/],
    ['an unknown scenario is named', ['complete'], /No scenario complete; the scenarios are/],
  ];
  for (const [when, argv, message] of refusals) {
    it(`when ${when}, then nothing is recorded and the refusal says why`, () => {
      expect(() => planRecording(argv, SCENARIOS, RECORDED))
        .to.throw(RecordingRefused)
        .with.property('message')
        .that.matches(message);
    });
  }
});
