import { expect } from 'chai';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { migrateToLatest } from '../../src/db/knex';
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

  it('when a database recorded migrations with their .ts extension, then migrating again renames them and applies nothing', async () => {
    const { db } = stack();
    const [first] = await db('knex_migrations').orderBy('id').limit(1).pluck('name');
    await db('knex_migrations')
      .where({ name: first })
      .update({ name: `${first}.ts` });

    expect(await migrateToLatest(db)).to.deep.equal([]);
    expect(await db('knex_migrations').where({ name: first })).to.have.length(1);
  });
});
