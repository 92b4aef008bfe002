import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { loadConfig } from '../../src/config';
import {
  BUILD_ID_FILE,
  buildIdOf,
  deploymentVersionFrom,
  versionedWorkerOptions,
} from '../../src/temporal/worker-deployment';

describe('the worker deployment version', () => {
  let distDir: string;
  const production = (env: Record<string, string> = {}) =>
    loadConfig({
      NODE_ENV: 'production',
      JWT_SECRET: 'x'.repeat(32),
      DATABASE_URL: 'postgres://db/deliveries',
      TEMPORAL_ADDRESS: 'temporal:7233',
      PUBLIC_URL: 'https://deliveries.example.com',
      ...env,
    });

  before(async () => {
    distDir = await mkdtemp(path.join(os.tmpdir(), 'dist-'));
    await writeFile(path.join(distDir, BUILD_ID_FILE), `${buildIdOf('workflow code')}\n`);
  });
  after(() => rm(distDir, { recursive: true, force: true }));

  it('when the same workflow code is built twice, then its build ID is the same, and other code gets another', () => {
    expect(buildIdOf('workflow code')).to.equal(buildIdOf(Buffer.from('workflow code')));
    expect(buildIdOf('workflow code')).to.match(/^[0-9a-f]{16}$/);
    expect(buildIdOf('workflow code, changed')).not.to.equal(buildIdOf('workflow code'));
  });

  it('when a production worker starts, then it is pinned under the deployment name with the build ID npm run build wrote', async () => {
    const config = production();
    const version = await deploymentVersionFrom(config, distDir);
    expect(version).to.deep.equal({
      deploymentName: 'delivery-aggregator',
      buildId: buildIdOf('workflow code'),
    });
    expect(versionedWorkerOptions(version!, config.WORKER_VERSIONING as 'pinned')).to.deep.equal({
      version,
      useWorkerVersioning: true,
      defaultVersioningBehavior: 'PINNED',
    });
  });

  it('when WORKER_BUILD_ID and WORKER_DEPLOYMENT_NAME are set, then they name the version', async () => {
    const config = production({
      WORKER_BUILD_ID: 'v1.4.2',
      WORKER_DEPLOYMENT_NAME: 'eu-deliveries',
    });
    expect(await deploymentVersionFrom(config, distDir)).to.deep.equal({
      deploymentName: 'eu-deliveries',
      buildId: 'v1.4.2',
    });
  });

  it('when versioning is off, then the worker declares no version', async () => {
    expect(await deploymentVersionFrom(production({ WORKER_VERSIONING: 'off' }), distDir)).to.equal(
      null,
    );
  });

  it('when the versioning mode or the deployment name is not one Temporal takes, then the configuration is refused', () => {
    expect(() => production({ WORKER_VERSIONING: 'sticky' })).to.throw(/WORKER_VERSIONING/);
    expect(() => production({ WORKER_DEPLOYMENT_NAME: 'has.a.dot' })).to.throw(
      /WORKER_DEPLOYMENT_NAME/,
    );
  });
});
