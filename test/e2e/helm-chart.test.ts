import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import request from 'supertest';
import { CONFIG_VARIABLES, loadConfig } from '../../src/config';
import {
  CHART,
  HELM,
  RELEASE,
  refusal,
  renderChart,
  selects,
  type Container,
  type Manifest,
  type Rendered,
} from '../support/helm-chart';
import { stack } from '../support/stack';

// The chart is rendered by the helm scripts/ensure-helm.js builds (`npm test` runs it first);
// nothing here needs a cluster. What the processes need comes from the code itself: the probes'
// routes from the running app, the variables from src/config.ts.
const execFileAsync = promisify(execFile);
const ALL_FEATURES = ['ci/all-features-values.yaml'];
const PROCESSES = ['api', 'worker', 'migrate'] as const;
const name = (component: string) => `${RELEASE}-delivery-aggregator-${component}`;
const app = () => request(stack().app.callback());

/** How long the API waits for Temporal before it listens (connectClient's default). */
const API_TEMPORAL_WAIT_SECONDS = 120;
/** /readyz answers within this long, even with Temporal black-holed (docs/operations.md). */
const READYZ_ANSWER_SECONDS = 2;

const containerOf = (rendered: Rendered, component: string): Container =>
  rendered.pod(component).spec.containers[0]!;

const portNamed = (container: Container, port: string | number | undefined) =>
  container.ports?.find((p) => p.name === port)?.containerPort;

describe('the Helm chart (deploy/helm/delivery-aggregator)', function () {
  let minimal: Rendered;
  let allFeatures: Rendered;

  before(async function () {
    expect(existsSync(HELM), `${HELM}: run node scripts/ensure-helm.js`).to.equal(true);
    [minimal, allFeatures] = await Promise.all([
      renderChart(),
      renderChart({ valueFiles: ALL_FEATURES }),
    ]);
  });

  it('when rendered with the minimal values, then it holds both workloads, their budgets, the API Service and autoscaler, the setup Job and the ConfigMap, and no Secret, ScaledObject or ServiceMonitor', () => {
    expect(minimal.names().sort()).to.deep.equal(
      [
        `ConfigMap/${RELEASE}-delivery-aggregator`,
        `Deployment/${name('api')}`,
        `Deployment/${name('worker')}`,
        `HorizontalPodAutoscaler/${name('api')}`,
        `Job/${name('migrate')}`,
        `PersistentVolumeClaim/${name('attachments')}`,
        `PodDisruptionBudget/${name('api')}`,
        `PodDisruptionBudget/${name('worker')}`,
        `Service/${name('api')}`,
        `Service/${name('worker-metrics')}`,
      ].sort(),
    );
  });

  it('when the API probes are read, then they ask the routes the app answers, on the port it listens on, within the time /readyz takes and the API waits for Temporal', async () => {
    const api = containerOf(minimal, 'api');
    const { env } = minimal.environment('api');
    const httpPort = portNamed(api, 'http');
    expect(httpPort).to.equal(3000);
    expect(env['PORT']).to.equal(String(httpPort));
    const { startupProbe, livenessProbe, readinessProbe } = api;
    for (const probe of [startupProbe, livenessProbe, readinessProbe]) {
      expect(probe?.httpGet?.port, 'probes use the named port').to.equal('http');
    }
    expect(startupProbe?.httpGet?.path).to.equal(livenessProbe?.httpGet?.path);
    const liveness = await app().get(livenessProbe!.httpGet!.path);
    expect(liveness.status, 'liveness route').to.equal(200);
    const readiness = await app().get(readinessProbe!.httpGet!.path);
    expect(readiness.status, 'readiness route').to.equal(200);
    expect(readiness.body.checks).to.include({ database: 'ok', temporal: 'ok' });
    expect(readinessProbe!.timeoutSeconds).to.be.above(READYZ_ANSWER_SECONDS);
    expect(startupProbe!.periodSeconds * startupProbe!.failureThreshold).to.be.above(
      API_TEMPORAL_WAIT_SECONDS,
    );
  });

  it('when each process starts with the environment the chart gives it, then its production configuration loads with the database and Temporal it needs, and every variable is one the configuration reads', () => {
    for (const rendered of [minimal, allFeatures]) {
      for (const component of PROCESSES) {
        const { env } = rendered.environment(component);
        const unknown = Object.keys(env).filter((v) => !CONFIG_VARIABLES.includes(v));
        expect(unknown, `${component}: variables src/config.ts does not read`).to.deep.equal([]);
        expect(env['NODE_ENV'], component).to.equal('production');
        const config = loadConfig(env);
        expect(config.DATABASE_URL, component).to.be.a('string');
        expect(config.TEMPORAL_ADDRESS, component).to.equal(
          'temporal-frontend.temporal.svc.cluster.local:7233',
        );
        expect(config.PUBLIC_URL, component).to.equal('https://deliveries.example.com');
      }
    }
  });

  it('when a rollout replaces the workers, then they run versioned auto-upgrade under the deployment name (a pinned run would wait for the workers the rollout removed)', () => {
    for (const rendered of [minimal, allFeatures]) {
      const config = loadConfig(rendered.environment('worker').env);
      expect(config.WORKER_VERSIONING).to.equal('auto-upgrade');
      expect(config.WORKER_DEPLOYMENT_NAME).to.equal('delivery-aggregator');
    }
  });

  it('when secrets are read, then they come by reference from Secrets the chart does not create, never from the ConfigMap, and the super admin reaches the setup Job alone', () => {
    const secrets = [
      'DATABASE_URL',
      'JWT_SECRET',
      'POSTMARK_SERVER_TOKEN',
      'SUPERADMIN_EMAIL',
      'SUPERADMIN_PASSWORD',
      'S3_ACCESS_KEY_ID',
      'S3_SECRET_ACCESS_KEY',
    ];
    expect(allFeatures.ofKind('Secret')).to.deep.equal([]);
    const configMap = allFeatures.ofKind('ConfigMap')[0]!;
    expect(Object.keys(configMap.data ?? {})).to.not.include.members(secrets);
    const expected = {
      api: secrets.filter((s) => !s.startsWith('SUPERADMIN_')),
      worker: secrets.filter((s) => !s.startsWith('SUPERADMIN_')),
      migrate: secrets,
    };
    for (const component of PROCESSES) {
      expect([...allFeatures.environment(component).secretRefs].sort(), component).to.deep.equal(
        expected[component].sort(),
      );
      expect([...minimal.environment(component).secretRefs].sort(), component).to.deep.equal([
        'DATABASE_URL',
        'JWT_SECRET',
      ]);
    }
  });

  it('when a pod stops, then Kubernetes waits longer than the process drains: the worker past WORKER_SHUTDOWN_FORCE_SECONDS, the API past its preStop sleep and SHUTDOWN_GRACE_SECONDS', async () => {
    const longer = await renderChart({
      set: {
        'worker.shutdown.forceSeconds': '300',
        'worker.shutdown.graceSeconds': '240',
        'api.shutdown.graceSeconds': '90',
        'api.shutdown.preStopSleepSeconds': '15',
      },
    });
    for (const rendered of [minimal, longer]) {
      const worker = rendered.environment('worker').env;
      const force = Number(worker['WORKER_SHUTDOWN_FORCE_SECONDS']);
      expect(Number(worker['WORKER_SHUTDOWN_GRACE_SECONDS'])).to.be.below(force);
      expect(rendered.pod('worker').spec.terminationGracePeriodSeconds).to.be.above(force);

      const api = containerOf(rendered, 'api');
      const [sleep, seconds] = api.lifecycle?.preStop?.exec?.command ?? [];
      expect(sleep).to.equal('sleep');
      const drain =
        Number(seconds) + Number(rendered.environment('api').env['SHUTDOWN_GRACE_SECONDS']);
      expect(rendered.pod('api').spec.terminationGracePeriodSeconds).to.be.above(drain);
    }
    expect(longer.pod('worker').spec.terminationGracePeriodSeconds).to.be.above(300);
  });

  it('when the setup Job is rendered, then it runs the setup entry point as a pre-install and pre-upgrade hook with its variables inline (the ConfigMap does not exist yet)', () => {
    const job = minimal.one('Job', name('migrate'));
    const hooks = job.metadata.annotations?.['helm.sh/hook']?.split(',');
    expect(hooks).to.include.members(['pre-install', 'pre-upgrade']);
    const migrate = containerOf(minimal, 'migrate');
    expect(migrate.command).to.deep.equal(['node', 'dist/src/setup-cli.js']);
    expect(migrate.envFrom ?? []).to.deep.equal([]);
    expect(minimal.pod('migrate').spec).to.have.property('restartPolicy', 'Never');
  });

  it('when the entry points are read, then each workload runs its own built entry point of the image', () => {
    const commands = Object.fromEntries(
      PROCESSES.map((c) => [c, containerOf(minimal, c).command.join(' ')]),
    );
    expect(commands).to.deep.equal({
      api: 'node dist/src/server.js',
      worker: 'node dist/src/worker.js',
      migrate: 'node dist/src/setup-cli.js',
    });
    for (const component of PROCESSES) {
      expect(containerOf(minimal, component).image).to.equal('delivery-aggregator:0.1.0');
    }
  });

  it('when budgets and Services select pods, then each picks its own workload and nothing else (never the setup Job)', () => {
    const pods = [...allFeatures.pods()];
    const picked = (selector: Record<string, string>) =>
      pods.filter(([, pod]) => selects(selector, pod.metadata.labels)).map(([c]) => c);
    const selectors: [Manifest, string][] = [
      [allFeatures.one('PodDisruptionBudget', name('api')), 'api'],
      [allFeatures.one('PodDisruptionBudget', name('worker')), 'worker'],
    ];
    for (const [pdb, component] of selectors) {
      const { matchLabels } = pdb.spec?.['selector'] as { matchLabels: Record<string, string> };
      expect(picked(matchLabels), pdb.metadata.name).to.deep.equal([component]);
      expect(pdb.spec?.['maxUnavailable']).to.equal(1);
    }
    const services: [string, string][] = [
      [name('api'), 'api'],
      [name('worker-metrics'), 'worker'],
    ];
    for (const [service, component] of services) {
      const selector = allFeatures.one('Service', service).spec?.['selector'] as Record<
        string,
        string
      >;
      expect(picked(selector), service).to.deep.equal([component]);
    }
  });

  it('when a rollout replaces APIs, then none is taken away before its replacement is ready, and autoscalers own the replica counts they drive', () => {
    const api = minimal.one('Deployment', name('api'));
    const strategy = api.spec?.['strategy'] as { rollingUpdate: Record<string, unknown> };
    expect(strategy.rollingUpdate['maxUnavailable']).to.equal(0);
    expect(api.spec).to.not.have.property('replicas');
    const hpa = minimal.one('HorizontalPodAutoscaler', name('api'));
    expect(hpa.spec?.['scaleTargetRef']).to.include({ kind: 'Deployment', name: name('api') });
    expect(minimal.one('Deployment', name('worker')).spec?.['replicas']).to.equal(2);
    expect(allFeatures.one('Deployment', name('worker')).spec).to.not.have.property('replicas');
  });

  it('when KEDA is enabled, then one ScaledObject scales the worker on the backlog of the task queue and namespace the worker polls', async () => {
    expect(minimal.ofKind('ScaledObject')).to.deep.equal([]);
    const elsewhere = await renderChart({
      valueFiles: ALL_FEATURES,
      set: { 'temporal.taskQueue': 'deliveries-eu', 'temporal.namespace': 'logistics' },
    });
    for (const rendered of [allFeatures, elsewhere]) {
      const [scaled, ...others] = rendered.ofKind('ScaledObject');
      expect(others).to.deep.equal([]);
      const spec = scaled!.spec as {
        scaleTargetRef: { name: string };
        minReplicaCount: number;
        triggers: { type: string; metadata: Record<string, string> }[];
      };
      expect(spec.scaleTargetRef.name).to.equal(name('worker'));
      expect(spec.minReplicaCount).to.be.at.least(1);
      const worker = rendered.environment('worker').env;
      expect(spec.triggers).to.have.length(1);
      expect(spec.triggers[0]!.type).to.equal('temporal');
      expect(spec.triggers[0]!.metadata).to.include({
        taskQueue: worker['TEMPORAL_TASK_QUEUE'],
        namespace: worker['TEMPORAL_NAMESPACE'],
        endpoint: worker['TEMPORAL_ADDRESS'],
      });
    }
    expect(elsewhere.environment('worker').env['TEMPORAL_TASK_QUEUE']).to.equal('deliveries-eu');
  });

  it('when ServiceMonitors are enabled, then they scrape /metrics on the API port (public, as the app serves it) and on the worker port WORKER_METRICS_PORT names', async () => {
    expect(minimal.ofKind('ServiceMonitor')).to.deep.equal([]);
    expect((await app().get('/metrics')).status).to.equal(200);
    const monitors = allFeatures.ofKind('ServiceMonitor');
    expect(monitors.map((m) => m.metadata.name).sort()).to.deep.equal([
      name('api'),
      name('worker'),
    ]);
    const scraped: Record<string, number | undefined> = {};
    for (const monitor of monitors) {
      expect(monitor.metadata.labels).to.include({ release: 'kube-prometheus-stack' });
      const spec = monitor.spec as {
        selector: { matchLabels: Record<string, string> };
        endpoints: { port: string; path: string }[];
      };
      const [service, ...more] = allFeatures
        .ofKind('Service')
        .filter((s) => selects(spec.selector.matchLabels, s.metadata.labels ?? {}));
      expect(more, monitor.metadata.name).to.deep.equal([]);
      const component = service!.metadata.labels!['app.kubernetes.io/component']!;
      for (const endpoint of spec.endpoints) {
        expect(endpoint.path).to.equal('/metrics');
        const ports = service!.spec?.['ports'] as { name: string; targetPort: string }[];
        const target = ports.find((p) => p.name === endpoint.port)?.targetPort;
        scraped[component] = portNamed(containerOf(allFeatures, component), target);
      }
    }
    expect(scraped).to.deep.equal({
      api: 3000,
      worker: Number(allFeatures.environment('worker').env['WORKER_METRICS_PORT']),
    });
  });

  it('when pods run, then as the image user without privileges on a read-only root, with /tmp writable, and file attachments on the shared claim at DATA_DIR', () => {
    for (const component of PROCESSES) {
      const pod = minimal.pod(component);
      expect(pod.spec.securityContext, component).to.include({
        runAsNonRoot: true,
        runAsUser: 1000,
      });
      expect(pod.spec.automountServiceAccountToken, component).to.equal(false);
      const container = pod.spec.containers[0]!;
      expect(container.securityContext, component).to.include({
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
      });
      expect(container.volumeMounts, component).to.deep.include({ name: 'tmp', mountPath: '/tmp' });
      expect(container.resources?.requests, component).to.have.keys('cpu', 'memory');
      expect(container.resources?.limits, component).to.have.property('memory');
    }
    const dataDir = minimal.environment('api').env['DATA_DIR'];
    expect(containerOf(minimal, 'api').volumeMounts).to.deep.include({
      name: 'data',
      mountPath: dataDir,
    });
    const claim = minimal.one('PersistentVolumeClaim', name('attachments'));
    expect(claim.metadata.annotations).to.include({ 'helm.sh/resource-policy': 'keep' });
    expect(claim.spec?.['accessModes']).to.deep.equal(['ReadWriteMany']);
    expect(allFeatures.ofKind('PersistentVolumeClaim')).to.deep.equal([]);
    expect(allFeatures.environment('api').env).to.include({
      ATTACHMENT_STORAGE: 's3',
      S3_BUCKET: 'delivery-proofs',
      S3_FORCE_PATH_STYLE: 'true',
    });
  });

  it('when the ConfigMap changes, then the pods roll (its checksum is in their template)', async () => {
    const louder = await renderChart({ set: { 'config.LOG_LEVEL': 'debug' } });
    for (const component of ['api', 'worker']) {
      const before = minimal.pod(component).metadata.annotations?.['checksum/config'];
      const after = louder.pod(component).metadata.annotations?.['checksum/config'];
      expect(before, component).to.match(/^[0-9a-f]{64}$/);
      expect(after, component).to.not.equal(before);
    }
  });

  const refused: [string, Record<string, string>, RegExp][] = [
    ['publicUrl is missing', { publicUrl: '' }, /publicUrl/],
    [
      'a secret is put in the ConfigMap',
      { 'config.JWT_SECRET': 'x'.repeat(40) },
      /config\/JWT_SECRET/,
    ],
    ['a variable the chart sets is overridden', { 'api.env.PORT': '8080' }, /api\/env\/PORT/],
    ['DATABASE_URL names no Secret', { 'secrets.DATABASE_URL.name': '' }, /DATABASE_URL/],
    ['S3 storage has no bucket', { 'attachments.storage': 's3' }, /bucket/],
    [
      'KEDA may scale workers to zero',
      { 'worker.autoscaling.keda.minReplicaCount': '0' },
      /minReplicaCount/,
    ],
    [
      'the readiness timeout is shorter than /readyz takes',
      { 'api.probes.readiness.timeoutSeconds': '1' },
      /timeoutSeconds/,
    ],
    ['only one S3 key is given', { 'secrets.S3_ACCESS_KEY_ID.name': 's3' }, /S3_SECRET_ACCESS_KEY/],
  ];
  for (const [when, set, message] of refused) {
    it(`when ${when}, then helm refuses the values naming what is wrong`, async () => {
      const options = { set: { publicUrl: 'https://deliveries.example.com', ...set } };
      expect(await refusal(options)).to.match(message);
    });
  }

  it('when the chart is linted with its CI values, then helm finds nothing (schema included)', async () => {
    for (const values of [['ci/default-values.yaml'], ALL_FEATURES]) {
      const args = [
        'lint',
        '--strict',
        CHART,
        ...values.flatMap((v) => ['--values', path.join(CHART, v)]),
      ];
      const { stdout } = await execFileAsync(HELM, args);
      expect(stdout).to.match(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    }
  });
});
