import type { Client } from '@temporalio/client';
import type { Knex } from 'knex';
import type { Db, Queryable } from '../db/knex';
import {
  findDeliveryByKey,
  flagAttention,
  lockDeliveryForEvent,
  updateDeliveryWithEvent,
  type DeliveryWithKey,
} from '../db/repositories/deliveries';
import { insertNotifications, type NewNotification } from '../db/repositories/notifications';
import { findActiveSuperAdmins, findUsersByIds } from '../db/repositories/users';
import { isTerminal } from '../domain/delivery-status';
import type { Logger } from '../logger';
import type { Delivery, DeliveryAttention } from '../schemas/deliveries';
import { getDeliveryQuery, type RunClosure } from '../workflows/delivery-messages';
import { terminationOf } from './run-closure';

/** How often the worker asks Temporal for runs an operator closed (one cheap visibility list). */
export const WATCH_INTERVAL_MS = 2_000;
/** Visibility lags the close a little: each look reaches this far behind the previous one. */
const OVERLAP_MS = 30_000;
/** A worker that starts looks this far back, for what happened while no worker ran. */
const LOOKBACK_MS = 60 * 60_000;
/** How long a stopping worker waits for a look in flight. */
const STOP_WAIT_MS = 1_000;
/** How old a row's last change must be before the watcher takes the workflow's word over it. */
const SETTLING_MS = 3_000;
/** A run whose delivery keeps moving under the watcher is looked at again, this many times. */
const MAX_LOOKS = 10;

const closedRunsSince = (since: Date) =>
  `WorkflowType='deliveryWorkflow' AND ExecutionStatus='Terminated' AND CloseTime > '${since.toISOString()}'`;

type Parties = Pick<Delivery, 'status' | 'assigned_to'>;
const sameParties = (row: Parties, view: Parties) =>
  row.status === view.status && row.assigned_to === view.assigned_to;

/** The identity Temporal's server gives the run a Reset closes (the operator's is not kept). */
const RESETTER = 'history-resetter';

const operator = (closure: RunClosure | null) => {
  const identity = closure?.identity;
  const who = identity && identity !== RESETTER ? `An operator (${identity})` : 'An operator';
  const said = closure?.reason ? ` ("${closure.reason}")` : '';
  return { who, said };
};

/** Admins by name ("Ann Admin"), the way the timeline names them; the id if the user is gone. */
type Names = ReadonlyMap<string, string>;

async function namesOf(db: Queryable, ...deliveries: Delivery[]): Promise<Names> {
  const ids = deliveries.map((d) => d.assigned_to).filter((id): id is string => id !== null);
  const users = await findUsersByIds(db, ids);
  return new Map(users.map((u) => [u.id, `${u.first_name} ${u.last_name}`.trim() || u.email]));
}

const holding = (d: Delivery, names: Names) =>
  d.assigned_to
    ? `${d.status} (assigned to ${names.get(d.assigned_to) ?? d.assigned_to})`
    : d.status;

/** The terminated run was the last: nothing runs for a delivery the row says is open. */
export function terminatedAttention(row: Delivery, closure: RunClosure | null, since: string) {
  const { who, said } = operator(closure);
  const fixers =
    row.status === 'CREATED'
      ? "A super admin's assignment or cancel, or the partner's cancel,"
      : `Its assignee's next status change, or a super admin's ${row.status === 'ASSIGNED' ? 'reassignment or cancel' : 'reassignment'},`;
  return {
    reason: `${who} terminated its workflow in Temporal${said} while it was ${row.status}; nothing runs for it until it changes.`,
    since,
    who_can_fix: `${fixers} resumes it in a new workflow run from the stored state.`,
  } satisfies DeliveryAttention;
}

/** A reset brought a finished delivery's workflow back: the platform keeps the outcome. */
function rewoundFinishedAttention(
  row: Delivery,
  view: Delivery,
  closure: RunClosure | null,
  since: string,
  names: Names,
) {
  const { who, said } = operator(closure);
  return {
    reason: `${who} reset its workflow in Temporal${said} to ${holding(view, names)} after the delivery was ${row.status}; the platform still shows ${row.status}.`,
    since,
    who_can_fix: `An operator with Temporal access: terminate the reset run to keep ${row.status}, or move the delivery on from ${view.status} through the API.`,
  } satisfies DeliveryAttention;
}

/** What the `reconciled` event says: what the operator's reset did and what the row was. */
function resetWords(row: Delivery, view: Delivery, closure: RunClosure | null, names: Names) {
  const { who, said } = operator(closure);
  return `${who} reset its workflow in Temporal${said} without re-applying later changes: it is ${holding(view, names)} again. The stored ${holding(row, names)} is corrected.`;
}

function noticesOf(row: Delivery, view: Delivery, eventKey: string): NewNotification[] {
  const label = `Delivery "${row.product_name}"`;
  const notices: NewNotification[] = [];
  if (row.assigned_to && row.assigned_to !== view.assigned_to) {
    notices.push({
      user_id: row.assigned_to,
      event_key: `${eventKey}:${row.assigned_to}`,
      delivery_id: row.id,
      type: 'delivery.unassigned',
      title: 'Delivery left your queue',
      message: `${label} is no longer assigned to you: an operator reset its workflow to ${view.status}.`,
    });
  }
  if (view.assigned_to && view.assigned_to !== row.assigned_to) {
    notices.push({
      user_id: view.assigned_to,
      event_key: `${eventKey}:${view.assigned_to}`,
      delivery_id: row.id,
      type: 'delivery.assigned',
      title: 'Delivery assigned to you',
      message: `${label} is assigned to you again: an operator reset its workflow to ${view.status}.`,
    });
  }
  return notices;
}

type Settled = 'settled' | 'again';

/**
 * Notices at once what an operator did to a delivery's workflow from the Temporal UI or CLI and
 * leaves no delivery stranded: every Terminate and Reset closes a run as Terminated, so the worker
 * lists those closed since its last look (every `WATCH_INTERVAL_MS`). A run that was the last (a
 * Terminate) flags the open delivery `attention`; a newer run (a Reset, or the API's resume) is
 * asked for its state, and a row it disagrees with is corrected with a `reconciled` event and
 * the people it moved told (a finished delivery is flagged instead). Workflow code stays as it
 * is: nothing here is a command. Several workers may watch at once: the event and notification
 * keys, and the flag set only when absent, make a second pass write nothing.
 */
export class RunWatcher {
  private since: Date;
  private readonly looks = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private stopped = false;

  constructor(
    private readonly deps: { db: Db; client: Client; logger: Logger },
    now = new Date(),
  ) {
    this.since = new Date(now.getTime() - LOOKBACK_MS);
  }

  start(): () => Promise<void> {
    const tick = () => {
      this.running = this.look()
        .catch((error: unknown) =>
          this.deps.logger.warn({ err: error }, 'the run watcher could not look at closed runs'),
        )
        .finally(() => {
          if (!this.stopped) this.timer = setTimeout(tick, WATCH_INTERVAL_MS);
        });
    };
    tick();
    return async () => {
      this.stopped = true;
      clearTimeout(this.timer);
      // A look in flight may be querying a run this very worker no longer serves: a stopping
      // process waits for it a moment, not for the query's timeout (the next look redoes it).
      await Promise.race([
        this.running,
        new Promise((resolve) => setTimeout(resolve, STOP_WAIT_MS).unref()),
      ]);
    };
  }

  /** One look: every run closed as Terminated since the last look, each settled at most once. */
  async look(): Promise<void> {
    const startedAt = new Date();
    const query = closedRunsSince(this.since);
    for await (const run of this.deps.client.workflow.list({ query })) {
      if (this.stopped) return;
      const key = `${run.workflowId}/${run.runId}`;
      const looked = this.looks.get(key) ?? 0;
      if (looked < 0 || looked >= MAX_LOOKS) continue;
      const outcome = await this.settle(run.workflowId, run.runId);
      this.looks.set(key, outcome === 'settled' ? -1 : looked + 1);
    }
    this.since = new Date(startedAt.getTime() - OVERLAP_MS);
    // Forget runs that closed before the window: the list no longer returns them.
    if (this.looks.size > 10_000) this.looks.clear();
  }

  private async settle(workflowId: string, closedRunId: string): Promise<Settled> {
    const { db, client } = this.deps;
    const row = await findDeliveryByKey(db, workflowId);
    if (!row) return 'settled';
    const handle = client.workflow.getHandle(workflowId);
    const latest = await handle.describe();
    if (latest.runId === closedRunId) {
      if (isTerminal(row.status) || row.attention) return 'settled';
      const closure = await terminationOf(client, workflowId, closedRunId);
      const since = (latest.closeTime ?? new Date()).toISOString();
      await this.flagUnlessResumed(row, closedRunId, terminatedAttention(row, closure, since));
      return 'settled';
    }
    if (latest.status.name !== 'RUNNING') return 'settled';
    const view = await handle.query(getDeliveryQuery);
    if (sameParties(row, view)) return 'settled';
    // A run takes its change's result just after the row is written: a fresh row waits a look.
    if (Date.now() - Date.parse(row.updated_at) < SETTLING_MS) return 'again';
    // A change in flight can also show the two apart for a moment: ask again first.
    await new Promise((resolve) => setTimeout(resolve, 500));
    const [again, row2] = await Promise.all([
      handle.query(getDeliveryQuery),
      findDeliveryByKey(db, workflowId),
    ]);
    if (!row2 || sameParties(row2, again)) return 'settled';
    if (!sameParties(view, again) || !sameParties(row, row2)) return 'again';
    const closure = await terminationOf(client, workflowId, closedRunId);
    if (isTerminal(row.status)) {
      const since = (latest.startTime ?? new Date()).toISOString();
      const names = await namesOf(db, row, view);
      const attention = rewoundFinishedAttention(row, view, closure, since, names);
      await db.transaction((trx) => this.flag(trx, row, attention, latest.runId));
      return 'settled';
    }
    return (await this.reconcile(row, view, latest.runId, closure)) ? 'settled' : 'again';
  }

  /** Flags it, unless the API resumed it meanwhile (its new run's first event clears the flag). */
  private async flagUnlessResumed(
    row: DeliveryWithKey,
    closedRunId: string,
    attention: DeliveryAttention,
  ) {
    await this.deps.db.transaction(async (trx) => {
      await trx('deliveries').where({ id: row.id }).forUpdate().first('id');
      const latest = await this.deps.client.workflow.getHandle(row.workflow_id).describe();
      if (latest.runId !== closedRunId) return;
      await this.flag(trx, row, attention, closedRunId);
    });
  }

  /** Sets the flag and tells every active super admin in-app, once per run it is about. */
  private async flag(
    trx: Knex.Transaction,
    row: Delivery,
    attention: DeliveryAttention,
    runId: string,
  ) {
    if (!(await flagAttention(trx, row.id, attention))) return;
    this.deps.logger.warn({ deliveryId: row.id }, attention.reason);
    const bosses = await findActiveSuperAdmins(trx);
    await insertNotifications(
      trx,
      bosses.map((boss) => ({
        user_id: boss.id,
        event_key: `${row.id}:attention:${runId}:${boss.id}`,
        delivery_id: row.id,
        type: 'delivery.needs_attention',
        title: 'Delivery needs attention',
        message: `Delivery "${row.product_name}": ${attention.reason} ${attention.who_can_fix}`,
      })),
    );
  }

  /** The row takes the workflow's state, unless a change moved it since it was read. */
  private async reconcile(
    row: DeliveryWithKey,
    view: Delivery,
    runId: string,
    closure: RunClosure | null,
  ): Promise<boolean> {
    const eventKey = `${row.id}:reconciled:${runId}`;
    return this.deps.db.transaction(async (trx) => {
      const locked = await lockDeliveryForEvent(trx, row.id, eventKey);
      if (locked.eventExists) return true;
      if (!locked.row || !sameParties(locked.row, row)) return false;
      const reason = resetWords(row, view, closure, await namesOf(trx, row, view));
      await updateDeliveryWithEvent(trx, view, {
        deliveryId: row.id,
        eventKey,
        type: 'reconciled',
        fromStatus: row.status,
        toStatus: view.status,
        actorId: null,
        reason,
        at: new Date().toISOString(),
      });
      await insertNotifications(trx, noticesOf(row, view, eventKey));
      this.deps.logger.warn({ deliveryId: row.id }, reason);
      return true;
    });
  }
}
