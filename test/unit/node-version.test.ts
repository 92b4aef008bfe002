import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { satisfies, unsupportedNodeMessage } from '../../scripts/lib/node-version';

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');
const packageJson = JSON.parse(read('package.json')) as {
  engines: { node: string };
  devDependencies: Record<string, string>;
};
const pinned = read('.nvmrc').trim();
const major = (version: string) => Number(/^\D*(\d+)/.exec(version)![1]);

describe('the supported Node', () => {
  const cases: [version: string, range: string, expected: boolean][] = [
    ['v24.22.3', '>=24.11.0', true],
    ['24.11.0', '>=24.11.0', true],
    ['v24.10.0', '>=24.11.0', false],
    ['v20.20.2', '>=24.11.0', false],
    ['v26.12.1', '>=24.11.0', true],
    ['v25.0.0-nightly20260101abcdef', '>=24.11', true],
    ['v24.22.3', '>=24', true],
    ['v24.22.3', '^24.11.0', true],
    ['v26.0.0', '^24.11.0', false],
    ['v24.22.3', '>=24.11.0 <25', true],
    ['v25.1.0', '>=24.11.0 <25', false],
    ['v25.1.0', '^24.11.0 || >=26', false],
    ['v26.12.1', '^24.11.0 || >=26', true],
    ['v24.22.3', '24', true],
    ['v24.22.3', '24.22', true],
    ['v24.21.0', '24.22', false],
    ['v24.22.3', '24.22.3', true],
    ['v24.22.4', '24.22.3', false],
  ];
  for (const [version, range, expected] of cases) {
    it(`when Node is ${version} and engines says "${range}", then it is ${expected ? '' : 'not '}supported`, () => {
      expect(satisfies(version, range)).to.equal(expected);
    });
  }

  for (const range of ['~24.11.0', '>24', '<=26', '24.x', '>=24 ||', 'latest']) {
    it(`when engines says "${range}", which this check cannot read, then it throws rather than passing every Node`, () => {
      expect(() => satisfies('v24.22.3', range)).to.throw(/engines\.node/);
    });
  }

  it('when the Node is supported, then there is nothing to tell the user', () => {
    const message = unsupportedNodeMessage({
      version: 'v24.22.3',
      execPath: '/opt/node/bin/node',
      range: '>=24.11.0',
      pinned: '24.22.3',
      command: 'npm run dev',
    });
    expect(message).to.equal(undefined);
  });

  it('when the Node is too old, then the message says which it is, what is needed and three ways to get it', () => {
    const message = unsupportedNodeMessage({
      version: 'v20.20.2',
      execPath: '/usr/bin/node',
      range: '>=24.11.0',
      pinned: '24.22.3',
      command: 'npm run dev',
    })!;
    expect(message)
      .to.include('this is Node v20.20.2 (/usr/bin/node)')
      .and.include('needs Node >=24.11.0 (package.json "engines")')
      .and.include('Install Node 24')
      .and.include('CI runs 24.22.3')
      .and.include('nvm install && nvm use')
      .and.include('https://nodejs.org/en/download')
      .and.include('PATH="$(scripts/ensure-node.sh):$PATH" npm run dev');
  });

  it('when CI pins a Node (.nvmrc), then engines allows it', () => {
    expect(pinned).to.match(/^\d+\.\d+\.\d+$/);
    expect(satisfies(pinned, packageJson.engines.node)).to.equal(true);
  });

  it('when CI pins a Node, then the image is built on the same major, in both stages', () => {
    const bases = [...read('Dockerfile').matchAll(/^FROM (\S+)/gm)].map((m) => m[1]);
    expect(bases).to.deep.equal([
      `node:${major(pinned)}-bookworm-slim`,
      `node:${major(pinned)}-bookworm-slim`,
    ]);
  });

  it("when CI pins a Node, then the code is typechecked against that major's API (@types/node)", () => {
    expect(major(packageJson.devDependencies['@types/node']!)).to.equal(major(pinned));
  });

  it('when CI runs, then it fetches the pinned Node first and runs everything with it on PATH', () => {
    const run = read('.ci/run');
    const fetch = run.indexOf('PATH="$(scripts/ensure-node.sh):$PATH"');
    expect(fetch).to.be.greaterThan(-1);
    expect(run.search(/^npm test$/m)).to.be.greaterThan(fetch);
    expect(read('scripts/ensure-node.sh')).to.include('.nvmrc');
  });
});
