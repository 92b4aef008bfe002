/**
 * The bare engine's worker as its own process, as the delivery worker runs in the capacity phase:
 * it polls BENCH_NOOP_TASK_QUEUE on TEMPORAL_ADDRESS with the no-op workflows and nothing else,
 * writes "ready" once polling, and stops on SIGTERM.
 */
import { NativeConnection, Worker } from '@temporalio/worker';
import { runScript } from './support';

async function main(): Promise<void> {
  const address = process.env['TEMPORAL_ADDRESS'];
  const taskQueue = process.env['BENCH_NOOP_TASK_QUEUE'];
  if (!address || !taskQueue)
    throw new Error('TEMPORAL_ADDRESS and BENCH_NOOP_TASK_QUEUE are required');
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    taskQueue,
    workflowsPath: require.resolve('./workflows/noop'),
  });
  process.once('SIGTERM', () => worker.shutdown());
  const running = worker.run();
  process.stdout.write('ready\n');
  await running;
  await connection.close();
}

runScript(main);
