import { rm } from 'node:fs/promises';
import { EMBEDDED_CREDENTIALS } from '../../src/dev/database-url';
import { freePort } from '../support/free-port';
import { loopbackDir, restartablePostgres, type RestartableInfra } from '../support/loopback-infra';
import { startTemporalCluster, type TemporalCluster } from '../support/temporal-cluster';

/**
 * One PostgreSQL holding both the platform's database and Temporal's two (as docker-compose.yml
 * does), under a Temporal cluster of four service processes built from the server's Go module.
 */
export interface ClusterInfra extends RestartableInfra {
  cluster: TemporalCluster;
}

export async function startClusterInfra(database = 'deliveries'): Promise<ClusterInfra> {
  const dir = await loopbackDir();
  const pgPort = await freePort();
  const postgres = restartablePostgres(dir, pgPort, database);
  await postgres.start();
  let cluster: TemporalCluster;
  try {
    cluster = await startTemporalCluster({
      dir,
      postgres: { port: pgPort, ...EMBEDDED_CREDENTIALS },
      namespace: 'default',
    });
  } catch (error) {
    await postgres.stop();
    throw error;
  }
  return {
    databaseUrl: postgres.url,
    temporalAddress: cluster.address,
    cluster,
    dir,
    stopPostgres: postgres.stop,
    startPostgres: postgres.start,
    async close() {
      await cluster.stop();
      await postgres.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
