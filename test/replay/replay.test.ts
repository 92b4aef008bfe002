import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Worker } from '@temporalio/worker';
import { expect } from 'chai';
import { historyFromJson } from './history-json';

const HISTORIES = path.resolve(__dirname, 'histories');

describe('replay of recorded delivery histories', () => {
  it('when every recorded history is replayed against the current workflow code, then none is non-deterministic', async () => {
    const files = (await readdir(HISTORIES)).filter((f) => f.endsWith('.json')).sort();
    expect(files.length).to.be.at.least(3);
    const histories = await Promise.all(
      files.map(async (file) => ({
        workflowId: path.basename(file, '.json'),
        history: historyFromJson(await readFile(path.join(HISTORIES, file), 'utf8')),
      })),
    );
    const failures: string[] = [];
    for await (const result of Worker.runReplayHistories(
      { workflowsPath: require.resolve('../../src/workflows'), replayName: 'delivery-replay' },
      histories,
    )) {
      if (result.error) failures.push(`${result.workflowId}: ${String(result.error)}`);
    }
    expect(failures).to.deep.equal([]);
  });
});
