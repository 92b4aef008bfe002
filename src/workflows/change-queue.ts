import { CancellationScope } from '@temporalio/workflow';
import { Mutex } from 'async-mutex';
import {
  targetStatus,
  type Actor,
  type DeliveryCommand,
  type DeliveryParties,
} from '../domain/delivery-rules';
import { refuseUnlessAllowed, type DeliveryState } from './delivery-state';

/**
 * One change at a time, in the order accepted (a library mutex, as in Temporal's
 * safe-message-handlers sample). An update's validator runs before the updates accepted ahead of
 * it have finished, so it judges the state those will leave; the change is judged again on the
 * state as it is once its turn comes, so of two updates racing to different terminal states only
 * the first to run wins.
 */
export class ChangeQueue {
  private readonly lock = new Mutex();
  /** Accepted commands whose turn is not over, in order: what the next validator builds on. */
  private readonly pending: DeliveryCommand[] = [];

  constructor(private readonly state: DeliveryState) {}

  /** For an update's validator: refuses what cannot follow the changes already accepted. */
  validate(actor: Actor, command: DeliveryCommand): void {
    refuseUnlessAllowed(actor, command, this.projected());
  }

  /** In a change's turn: refuses it if a change that ran first made it impossible. */
  recheck(actor: Actor, command: DeliveryCommand): void {
    refuseUnlessAllowed(actor, command, this.state.parties());
  }

  /** Runs `step` in its turn, never cancelled: an operator's cancel request is a command here. */
  exclusive<T>(step: () => Promise<T>): Promise<T> {
    return this.lock.runExclusive(() => CancellationScope.nonCancellable(step));
  }

  /** An accepted update's change: later validators count it until its turn is over. */
  inTurn<T>(command: DeliveryCommand, step: () => Promise<T>): Promise<T> {
    this.pending.push(command);
    const run = this.exclusive(step);
    const settle = () => {
      this.pending.splice(this.pending.indexOf(command), 1);
    };
    run.then(settle, settle);
    return run;
  }

  /** Where the changes accepted so far will leave the delivery. */
  projected(): DeliveryParties {
    return this.pending.reduce(
      (parties, command) => ({
        ...parties,
        status: targetStatus(command),
        assignedTo: command.kind === 'assign' ? command.adminId : parties.assignedTo,
      }),
      this.state.parties(),
    );
  }
}
