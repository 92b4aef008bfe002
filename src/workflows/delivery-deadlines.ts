import { condition, log, patched } from '@temporalio/workflow';
import { durationText } from '../domain/duration-text';
import type { DeadlineEventType } from '../domain/delivery-events';
import type { DeliveryState } from './delivery-state';
import type { DeliveryDeadlines } from './delivery-messages';

/** Runs started before durable deadlines existed replay without their timers. */
const DEADLINES_PATCH = 'durable-deadlines';

/** Records a missed deadline unless a change made it moot. */
type RecordOverdue = (type: DeadlineEventType, reason: string) => Promise<void>;

/** The workflow clock: the sandbox's Date is the SDK's, fixed per workflow task and replayed. */
const workflowTime = () => new Date().getTime();

/**
 * One timer at a time, on the nearest deadline still open: the assignment SLA while the delivery
 * is CREATED, then the end of its date. The change that makes the SLA moot (assigned, cancelled)
 * cancels its timer at once; the date's timer ends with the run. Each deadline is recorded once.
 */
async function watch(
  delivery: DeliveryState,
  overdue: RecordOverdue,
  deadlines: DeliveryDeadlines,
  createdAt: string,
) {
  const assignBy = Date.parse(deadlines.assignBy);
  const dueBy = Date.parse(deadlines.dueBy);
  let assignmentOpen = true;
  let dueOpen = true;
  while (!delivery.terminal && (assignmentOpen || dueOpen)) {
    assignmentOpen &&= delivery.awaitingAssignment;
    const until = Math.min(assignmentOpen ? assignBy : Infinity, dueOpen ? dueBy : Infinity);
    if (until === Infinity) return;
    const watchingAssignment = assignmentOpen;
    const moot = () => watchingAssignment && !delivery.awaitingAssignment;
    if (await condition(moot, Math.max(1, until - workflowTime()))) continue;
    const now = workflowTime();
    if (assignmentOpen && now >= assignBy) {
      assignmentOpen = false;
      const sla = durationText(assignBy - Date.parse(createdAt));
      await overdue(
        'assignment_overdue',
        `Still waiting for an admin ${sla} after it was created (ASSIGNMENT_SLA).`,
      );
    }
    if (dueOpen && now >= dueBy) {
      dueOpen = false;
      if (deadlines.dueEvent === 'delivery_late') {
        await overdue('delivery_late', 'Not delivered by the end of its drop-off window.');
      } else {
        await overdue(
          'delivery_overdue',
          `Not finished by the end of its delivery date (${deadlines.timeZone}).`,
        );
      }
    }
  }
}

/** Starts the deadline timers beside the lifecycle; the run does not wait for them to end. */
export function watchDeadlines(
  delivery: DeliveryState,
  overdue: RecordOverdue,
  deadlines: DeliveryDeadlines | undefined,
  createdAt: string,
): void {
  if (!deadlines || !patched(DEADLINES_PATCH)) return;
  watch(delivery, overdue, deadlines, createdAt).catch((error: unknown) => {
    log.error('The deadline watch stopped', { error: String(error) });
  });
}
