import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

// No Docker engine runs where this is developed, so the container files are checked statically:
// every entry point they name must be built from a source file that exists.
describe('container files', () => {
  for (const file of ['Dockerfile', 'docker-compose.yml', 'package.json']) {
    it(`when ${file} names a built entry point, then its source file exists`, () => {
      const entries = [...read(file).matchAll(/dist\/(src\/[\w/-]+)\.js/g)].map((m) => m[1]!);
      expect(entries, `${file} names at least one entry point`).to.have.length.greaterThan(0);
      for (const entry of entries) {
        expect(readFileSync(path.join(ROOT, `${entry}.ts`)), entry).to.have.length.greaterThan(0);
      }
    });
  }

  it('when the image is built, then the workflow bundle the worker loads is produced', () => {
    expect(read('package.json')).to.include('scripts/bundle-workflows.ts');
    expect(read('scripts/bundle-workflows.ts')).to.include("'../dist/workflow-bundle.js'");
    expect(read('src/worker.ts')).to.include("'../workflow-bundle.js'");
  });
});
