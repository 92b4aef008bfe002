/**
 * Worker Versioning: each production worker declares a deployment version (the deployment's name
 * and the build ID of its workflow bundle), and a delivery stays on the version that started it,
 * so a new worker never replays an old run with new workflow code. See "Shipping a workflow
 * change" in docs/operations.md.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { temporal } from '@temporalio/proto';
import type { VersioningBehavior, WorkerDeploymentVersion } from '@temporalio/common';
import type { WorkerDeploymentOptions } from '@temporalio/worker';
import type { Config } from '../config';
import type { Logger } from '../logger';

/** Written by `npm run build` beside the bundles: the build ID of the workflow code in them. */
export const BUILD_ID_FILE = 'workflow-build-id';

/**
 * The same workflow code gives the same build ID, whatever else changed: a release that only
 * touches activities or the API keeps its runs where they are.
 */
export function buildIdOf(workflowBundle: string | Buffer): string {
  return createHash('sha256').update(workflowBundle).digest('hex').slice(0, 16);
}

const BEHAVIOR: Record<Exclude<Config['WORKER_VERSIONING'], 'off'>, VersioningBehavior> = {
  pinned: 'PINNED',
  'auto-upgrade': 'AUTO_UPGRADE',
};

/** The version this worker declares, or null when versioning is off. */
export async function deploymentVersionFrom(
  config: Config,
  distDir: string,
): Promise<WorkerDeploymentVersion | null> {
  if (config.WORKER_VERSIONING === 'off') return null;
  const buildId =
    config.WORKER_BUILD_ID ?? (await readFile(path.join(distDir, BUILD_ID_FILE), 'utf8')).trim();
  return { deploymentName: config.WORKER_DEPLOYMENT_NAME, buildId };
}

export function versionedWorkerOptions(
  version: WorkerDeploymentVersion,
  versioning: Exclude<Config['WORKER_VERSIONING'], 'off'>,
): WorkerDeploymentOptions {
  return {
    version,
    useWorkerVersioning: true,
    defaultVersioningBehavior: BEHAVIOR[versioning],
  };
}

/**
 * Which version gets new deliveries is an operator's decision (`temporal worker deployment
 * set-current-version`), with two exceptions a worker can settle itself: the very first version of
 * a deployment (nothing would run otherwise), and `auto-upgrade`, where a rollout is the promotion.
 */
export async function promoteWhereDue(
  temporalApi: TemporalApi,
  version: WorkerDeploymentVersion,
  versioning: Exclude<Config['WORKER_VERSIONING'], 'off'>,
  logger: Logger,
  patienceMs = PROMOTION_PATIENCE_MS,
): Promise<void> {
  const { deploymentName, buildId } = version;
  const giveUpAt = Date.now() + patienceMs;
  for (;;) {
    const current = await currentBuildId(temporalApi, deploymentName);
    if (current === buildId) return;
    if (current !== null && versioning === 'pinned') {
      logger.info(
        { deploymentName, buildId, current },
        `this worker's version is not current: deliveries created from now on still start on ${current}. ` +
          `Make it current with: temporal worker deployment set-current-version --deployment-name ${deploymentName} --build-id ${buildId}`,
      );
      return;
    }
    try {
      await temporalApi.workflowService.setWorkerDeploymentCurrentVersion({
        namespace: temporalApi.namespace,
        deploymentName,
        buildId,
        identity: `worker ${buildId}`,
        allowNoPollers: true,
      });
      logger.info(
        { deploymentName, buildId, previous: current },
        'made this worker version current',
      );
      return;
    } catch (error) {
      // The server refuses a version until its pollers have reached it on every task queue the
      // current version had, which takes a poll or two after the worker starts; and two workers
      // of a new version promote together, so the loser's retry finds it done.
      const notYet = (error as { code?: number }).code === FAILED_PRECONDITION;
      if (!notYet || Date.now() > giveUpAt) throw error;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

const PROMOTION_PATIENCE_MS = 60_000;
const FAILED_PRECONDITION = 9; // gRPC status

/** The worker's own connection (or a client's) and the namespace its deployment lives in. */
export interface TemporalApi {
  workflowService: temporal.api.workflowservice.v1.WorkflowService;
  namespace: string;
}

export async function currentBuildId(
  { workflowService, namespace }: TemporalApi,
  deploymentName: string,
): Promise<string | null> {
  try {
    const { workerDeploymentInfo } = await workflowService.describeWorkerDeployment({
      namespace,
      deploymentName,
    });
    return workerDeploymentInfo?.routingConfig?.currentDeploymentVersion?.buildId || null;
  } catch (error) {
    if ((error as { code?: number }).code === NOT_FOUND) return null;
    throw error;
  }
}

const NOT_FOUND = 5; // gRPC status: the deployment has never been seen

const { ROUTING_CONFIG_UPDATE_STATE_COMPLETED } = temporal.api.enums.v1.RoutingConfigUpdateState;

/**
 * Whether the deployment's last routing change (a new current version) has reached every task
 * queue partition: until then, a workflow started may still go to the version before.
 */
export async function routingSettled(
  { workflowService, namespace }: TemporalApi,
  deploymentName: string,
): Promise<boolean> {
  const { workerDeploymentInfo } = await workflowService.describeWorkerDeployment({
    namespace,
    deploymentName,
  });
  return workerDeploymentInfo?.routingConfigUpdateState === ROUTING_CONFIG_UPDATE_STATE_COMPLETED;
}
