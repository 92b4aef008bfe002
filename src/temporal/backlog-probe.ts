import type { Client } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import type { BacklogProbe } from './admission';
import { withinTemporalDeadline } from './deadline';

const { TaskQueueType, TaskQueueKind } = temporal.api.enums.v1;
const PROBE_DEADLINE_MS = 1000;

/** The approximate number of workflow tasks waiting on the queue, as the server reports it. */
export function workflowBacklogProbe(
  client: Client,
  namespace: string,
  taskQueue: string,
): BacklogProbe {
  return async () => {
    const answer = await withinTemporalDeadline(client, PROBE_DEADLINE_MS, () =>
      client.workflowService.describeTaskQueue({
        namespace,
        taskQueue: { name: taskQueue, kind: TaskQueueKind.TASK_QUEUE_KIND_NORMAL },
        taskQueueType: TaskQueueType.TASK_QUEUE_TYPE_WORKFLOW,
        reportStats: true,
      }),
    );
    const count = answer.stats?.approximateBacklogCount;
    return count === undefined || count === null ? null : Number(count);
  };
}
