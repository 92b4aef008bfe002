import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { defaultPayloadConverter } from '@temporalio/common';
import { temporal } from '@temporalio/proto';
import { expect } from 'chai';
import { DELIVERY_EVENT_TYPES, isDeadlineEvent } from '../../src/domain/delivery-events';
import { historyFromJson } from './history-json';

const HISTORIES = path.resolve(__dirname, 'histories');
const { EventType, WorkflowTaskFailedCause, UpdateAdmittedEventOrigin } = temporal.api.enums.v1;
type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/** What the record local activity returned, and the summary the workflow gave it. */
interface RecordResult {
  type: string;
  recorded: boolean;
  /** Today's shape; runs recorded before notification channels hold `emails` and `webhook`. */
  outbound?: { activity: string }[];
}

/** What one recorded run shows, read from its history file alone. */
interface RecordedRun {
  name: string;
  events: HistoryEvent[];
  records: RecordResult[];
  resumed: boolean;
}

const decode = (payload: temporal.api.common.v1.IPayload | null | undefined): unknown =>
  payload ? defaultPayloadConverter.fromPayload(payload) : undefined;

/** A record's summary reads "Record <event type>: …" (`recordSummary`). */
function recordOf(event: HistoryEvent): RecordResult | null {
  const result = event.markerRecordedEventAttributes?.details?.['result']?.payloads?.[0];
  const summary = decode(event.userMetadata?.summary);
  if (!result || typeof summary !== 'string' || !summary.startsWith('Record ')) return null;
  const type = summary.slice('Record '.length).split(':')[0]!;
  return { type, ...(decode(result) as Omit<RecordResult, 'type'>) };
}

async function recordedRuns(): Promise<RecordedRun[]> {
  const files = (await readdir(HISTORIES)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(
    files.map(async (file) => {
      const events = historyFromJson(await readFile(path.join(HISTORIES, file), 'utf8')).events!;
      const input = decode(
        events[0]?.workflowExecutionStartedEventAttributes?.input?.payloads?.[0],
      ) as { resumeFrom?: unknown } | undefined;
      return {
        name: path.basename(file, '.json'),
        events,
        records: events.flatMap((event) => recordOf(event) ?? []),
        resumed: Boolean(input?.resumeFrom),
      };
    }),
  );
}

const has = (run: RecordedRun, type: number) => run.events.some((e) => e.eventType === type);
const closedWith = (run: RecordedRun, type: number) => run.events.at(-1)?.eventType === type;
const recordsOf = (run: RecordedRun, type: string) => run.records.filter((r) => r.type === type);
const schedules = (run: RecordedRun, activity: string) =>
  run.events.some((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === activity);
const isReset = (run: RecordedRun) =>
  run.events.some(
    (e) =>
      e.workflowTaskFailedEventAttributes?.cause ===
      WorkflowTaskFailedCause.WORKFLOW_TASK_FAILED_CAUSE_RESET_WORKFLOW,
  );
const reapplied = (run: RecordedRun) =>
  run.events.some(
    (e) =>
      e.workflowExecutionUpdateAdmittedEventAttributes?.origin ===
      UpdateAdmittedEventOrigin.UPDATE_ADMITTED_EVENT_ORIGIN_REAPPLY,
  );
const plansAndSends = (run: RecordedRun, activity: string) =>
  run.records.some((r) => r.outbound!.some((job) => job.activity === activity)) &&
  schedules(run, activity);

/** The arguments of every update the run accepted. */
const updateArgs = (run: RecordedRun): Record<string, unknown>[] =>
  run.events.flatMap((e) => {
    const input = e.workflowExecutionUpdateAcceptedEventAttributes?.acceptedRequest?.input;
    const args = input?.args?.payloads?.[0];
    return args ? [decode(args) as Record<string, unknown>] : [];
  });

/** The event types the workflow records itself; `reconciled` is the record activity's own. */
const WORKFLOW_EVENT_TYPES = DELIVERY_EVENT_TYPES.filter((type) => type !== 'reconciled');

/**
 * Each shape the replay set must hold in today's record-result shape, so a refactor of the
 * workflow is replayed against every path it can take; a new one wants a new recorded scenario.
 */
const SHAPES: [string, (run: RecordedRun) => boolean][] = [
  [
    'a FAILED update carrying its failure code',
    (run) => updateArgs(run).some((a) => a['status'] === 'FAILED' && a['failureReason']),
  ],
  [
    'a COMPLETED update carrying a proof with its photos',
    (run) =>
      updateArgs(run).some(
        (a) =>
          a['status'] === 'COMPLETED' &&
          ((a['proof'] as { attachments?: unknown[] } | undefined)?.attachments?.length ?? 0) > 0,
      ),
  ],
  ['a sendEmails job planned and scheduled', (run) => plansAndSends(run, 'sendEmails')],
  ['a deliverWebhook job planned and scheduled', (run) => plansAndSends(run, 'deliverWebhook')],
  [
    'one change planning both a sendEmails and a deliverWebhook job',
    (run) =>
      run.records.some((r) =>
        ['sendEmails', 'deliverWebhook'].every((a) => r.outbound!.some((j) => j.activity === a)),
      ),
  ],
  [
    'one change’s sendEmails and deliverWebhook jobs sent by one sendNotifications activity',
    (run) => schedules(run, 'sendNotifications'),
  ],
  ...WORKFLOW_EVENT_TYPES.map((type): [string, (run: RecordedRun) => boolean] => [
    `the ${type} event recorded`,
    (run) => recordsOf(run, type).length > 0,
  ]),
  ...DELIVERY_EVENT_TYPES.filter(isDeadlineEvent).map(
    (type): [string, (run: RecordedRun) => boolean] => [
      `the ${type} event after its timer fired`,
      (run) => has(run, EventType.EVENT_TYPE_TIMER_FIRED) && recordsOf(run, type).length > 0,
    ],
  ),
  [
    'a deadline timer cancelled by the change that made it moot',
    (run) => has(run, EventType.EVENT_TYPE_TIMER_CANCELED),
  ],
  [
    'a run closed as completed',
    (run) => closedWith(run, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED),
  ],
  [
    'a run closed as failed',
    (run) => closedWith(run, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED),
  ],
  [
    'a cancellation request accepted (Request Cancellation before transit)',
    (run) =>
      has(run, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED) &&
      closedWith(run, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED),
  ],
  [
    'a cancellation request refused (Request Cancellation in transit)',
    (run) =>
      has(run, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCEL_REQUESTED) &&
      recordsOf(run, 'cancel_refused').length > 0 &&
      !closedWith(run, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED),
  ],
  [
    'a run terminated by an operator',
    (run) => closedWith(run, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED),
  ],
  [
    'a run resumed after Terminate, taking changes',
    (run) =>
      run.resumed &&
      run.records[0]?.type === 'resumed' &&
      recordsOf(run, 'status_changed').length > 0,
  ],
  [
    'a reset run with its updates re-applied (recorded before, so not again)',
    (run) =>
      isReset(run) &&
      reapplied(run) &&
      run.records.some((r) => r.type !== 'created' && !r.recorded),
  ],
  [
    'a reset run with its updates excluded, taking new changes',
    (run) => isReset(run) && !reapplied(run) && recordsOf(run, 'assigned').length > 0,
  ],
  [
    'a signal the workflow does not define, ignored while the delivery moves on',
    (run) => {
      const signal = run.events.findIndex((e) => e.workflowExecutionSignaledEventAttributes);
      return (
        signal >= 0 &&
        run.events.slice(signal).some((e) => recordOf(e)?.type === 'status_changed') &&
        closedWith(run, EventType.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED)
      );
    },
  ],
];

describe('the recorded histories cover every shape the workflow takes today', () => {
  let current: RecordedRun[] = [];

  before(async () => {
    const runs = await recordedRuns();
    // Runs recorded before notification channels replay too, but prove nothing about today's code.
    current = runs.filter(
      (run) => run.records.length > 0 && run.records.every((r) => Array.isArray(r.outbound)),
    );
  });

  for (const [shape, holds] of SHAPES) {
    it(`when the histories are read, then one in the {recorded, outbound} shape holds ${shape}`, () => {
      expect(current.filter(holds).length, `no history holds ${shape}`).to.be.at.least(1);
    });
  }
});

describe('the recorded histories cover the bulk create workflow', () => {
  it('when the histories are read, then one is a deliveryBatchWorkflow run with its chunks, its finish and its batch.completed webhook', async () => {
    const batches = (await recordedRuns()).filter(
      (run) =>
        run.events[0]?.workflowExecutionStartedEventAttributes?.workflowType?.name ===
        'deliveryBatchWorkflow',
    );
    const complete = batches.filter(
      (run) =>
        ['createBatchItems', 'finishBatch', 'deliverWebhook'].every((a) => schedules(run, a)) &&
        run.events.filter(
          (e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'createBatchItems',
        ).length > 1,
    );
    expect(
      complete.length,
      'no batch history with two chunks, finishBatch and its webhook',
    ).to.be.at.least(1);
  });
});
