import { expect } from 'chai';
import { load } from 'js-yaml';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TEMPORAL_SERVER_VERSION } from '../../scripts/lib/temporal-server';
import {
  CLUSTER_SERVICES,
  clusterConfig,
  DYNAMIC_CONFIG,
  HISTORY_SHARDS,
  NAMESPACE_SCRIPT,
  SCHEMA_SCRIPT,
} from '../support/temporal-cluster';

const ROOT = path.resolve(__dirname, '../..');
const read = (file: string) => readFileSync(path.join(ROOT, file), 'utf8');

interface ComposeService {
  image?: string;
  environment?: Record<string, unknown>;
  volumes?: string[];
  command?: string[];
}
const compose = load(read('docker-compose.yml')) as { services: Record<string, ComposeService> };
const service = (name: string) => compose.services[name]!;

/** The shape of the module's config/development-postgres12.yaml that clusterConfig rewrites. */
const BASE_CONFIG = `
persistence:
  numHistoryShards: 1
  datastores:
    postgres-default: { sql: { pluginName: postgres12, connectAddr: '127.0.0.1:5432', user: temporal, password: temporal } }
    postgres-visibility: { sql: { pluginName: postgres12, connectAddr: '127.0.0.1:5432', user: temporal, password: temporal } }
global:
  membership: { broadcastAddress: 127.0.0.1 }
  pprof: { port: 7936 }
  metrics: { prometheus: { listenAddress: '127.0.0.1:8000' } }
services:
  frontend: { rpc: { grpcPort: 7233, membershipPort: 6933, bindOnLocalHost: true, httpPort: 7243 } }
  matching: { rpc: { grpcPort: 7235, membershipPort: 6935, bindOnLocalHost: true } }
  history: { rpc: { grpcPort: 7234, membershipPort: 6934, bindOnLocalHost: true } }
  worker: { rpc: { grpcPort: 7239, membershipPort: 6939, bindOnLocalHost: true } }
clusterMetadata:
  clusterInformation: { active: { enabled: true, rpcAddress: 'localhost:7233' } }
dynamicConfigClient: { filepath: config/dynamicconfig/development-sql.yaml, pollInterval: 10s }
`;

describe('the compose stack and the resilience suite’s Temporal cluster', () => {
  it('when compose pins Temporal’s images, then they are the server version the cluster builds', () => {
    const version = TEMPORAL_SERVER_VERSION.replace(/^v/, '');
    expect(service('temporal').image).to.equal(`temporalio/server:${version}`);
    for (const name of ['temporal-schema', 'temporal-namespace'])
      expect(service(name).image, name).to.equal(`temporalio/admin-tools:${version}`);
  });

  it('when the resilience suite runs on a fresh clone, then its npm script builds the server first', () => {
    const { scripts } = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    const steps = scripts['test:resilience']!.split(' && ');
    const build = steps.indexOf('node scripts/ensure-temporal-server.js');
    expect(build, 'the build step').to.be.greaterThan(-1);
    expect(build).to.be.lessThan(steps.findIndex((step) => step.startsWith('mocha')));
  });

  it('when compose sets up the schema and the namespace, then it runs the scripts the cluster runs', () => {
    for (const [name, script] of [
      ['temporal-schema', SCHEMA_SCRIPT],
      ['temporal-namespace', NAMESPACE_SCRIPT],
    ] as const) {
      const mounted = `/scripts/${path.basename(script)}`;
      expect(service(name).volumes, name).to.include(`./${script}:${mounted}:ro`);
      expect(service(name).command, name).to.deep.equal([mounted]);
    }
  });

  it('when the schema script runs in the admin-tools image, then its default schema folder is the one the cluster copies from the module', () => {
    expect(read(SCHEMA_SCRIPT))
      .to.include('SCHEMA=${TEMPORAL_SCHEMA_DIR:-/etc/temporal/schema/postgresql/v12}')
      .and.include('--plugin postgres12');
    expect(read('scripts/lib/temporal-server.js')).to.include("'schema/postgresql/v12'");
    expect(service('temporal').environment?.['DB']).to.equal('postgres12');
  });

  it('when compose configures its server, then it mounts the dynamic configuration the cluster uses', () => {
    const { environment, volumes } = service('temporal');
    expect(environment?.['DYNAMIC_CONFIG_FILE_PATH']).to.equal(
      `config/dynamicconfig/${path.basename(DYNAMIC_CONFIG)}`,
    );
    expect(volumes).to.include(
      `./${path.dirname(DYNAMIC_CONFIG)}:/etc/temporal/config/dynamicconfig:ro`,
    );
  });

  it('when the cluster configuration is derived, then each service has its own ports, all stores use the given PostgreSQL, there are several history shards and no shared listener', () => {
    const ports = Object.fromEntries(
      CLUSTER_SERVICES.map((name, i) => [
        name,
        { grpcPort: 21_000 + i, membershipPort: 22_000 + i, httpPort: 23_000 + i },
      ]),
    ) as Parameters<typeof clusterConfig>[2];
    const postgres = { port: 25_432, user: 'postgres', password: 'secret' };
    const config = load(clusterConfig(BASE_CONFIG, postgres, ports, '/abs/production.yaml')) as {
      persistence: { numHistoryShards: number; datastores: Record<string, { sql: object }> };
      global: Record<string, unknown>;
      services: Record<string, { rpc: Record<string, unknown> }>;
      clusterMetadata: { clusterInformation: Record<string, { rpcAddress: string }> };
      dynamicConfigClient: { filepath: string };
    };
    expect(HISTORY_SHARDS).to.be.greaterThan(1);
    expect(config.persistence.numHistoryShards).to.equal(HISTORY_SHARDS);
    for (const { sql } of Object.values(config.persistence.datastores))
      expect(sql).to.include({
        connectAddr: '127.0.0.1:25432',
        user: 'postgres',
        password: 'secret',
      });
    expect(config.global).to.have.keys(['membership']);
    for (const [i, name] of CLUSTER_SERVICES.entries())
      expect(config.services[name]!.rpc, name).to.include({
        grpcPort: 21_000 + i,
        membershipPort: 22_000 + i,
      });
    expect(config.clusterMetadata.clusterInformation['active']!.rpcAddress).to.equal(
      `127.0.0.1:${ports.frontend.grpcPort}`,
    );
    expect(config.dynamicConfigClient.filepath).to.equal('/abs/production.yaml');
  });
});
