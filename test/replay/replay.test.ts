import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Resource } from '@opentelemetry/resources';
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { makeWorkflowExporter } from '@temporalio/interceptors-opentelemetry';
import { Worker, type ReplayWorkerOptions } from '@temporalio/worker';
import { expect } from 'chai';
import { workflowBundle } from '../support/workflow-bundle';
import { historyFromJson } from './history-json';

const HISTORIES = path.resolve(__dirname, 'histories');

/** Replays every recorded history with `options`; the failures, one line each. */
async function replayFailures(options: ReplayWorkerOptions): Promise<string[]> {
  const files = (await readdir(HISTORIES)).filter((f) => f.endsWith('.json')).sort();
  expect(files.length).to.be.at.least(3);
  const histories = await Promise.all(
    files.map(async (file) => ({
      workflowId: path.basename(file, '.json'),
      history: historyFromJson(await readFile(path.join(HISTORIES, file), 'utf8')),
    })),
  );
  const failures: string[] = [];
  for await (const result of Worker.runReplayHistories(options, histories)) {
    if (result.error) failures.push(`${result.workflowId}: ${String(result.error)}`);
  }
  return failures;
}

describe('replay of recorded delivery histories', () => {
  it('when every recorded history is replayed against the current workflow code, then none is non-deterministic', async () => {
    const failures = await replayFailures({
      workflowsPath: require.resolve('../../src/workflows'),
      replayName: 'delivery-replay',
    });
    expect(failures).to.deep.equal([]);
  });

  it('when tracing is turned on for runs recorded without it (the traced bundle), then none is non-deterministic', async () => {
    const processor = new SimpleSpanProcessor(new InMemorySpanExporter());
    const failures = await replayFailures({
      workflowBundle: { codePath: await workflowBundle(true) },
      sinks: { exporter: makeWorkflowExporter(processor, new Resource({})) },
      replayName: 'delivery-replay-traced',
    });
    expect(failures).to.deep.equal([]);
  });
});
