import { expect } from 'chai';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { stack } from '../support/stack';

describe('database migrations', () => {
  it('when migrations ran from source, then each is recorded without its file extension, so the production build (.js) agrees', async () => {
    const files = (await readdir(path.resolve(__dirname, '../../migrations'))).filter((f) =>
      f.endsWith('.ts'),
    );
    const recorded = (await stack().db('knex_migrations').select('name')).map(
      (row: { name: string }) => row.name,
    );
    expect(recorded).to.have.members(files.map((f) => path.basename(f, '.ts')));
  });
});
