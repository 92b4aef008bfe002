/**
 * Renders the Helm chart (deploy/helm/delivery-aggregator) with the helm that
 * scripts/ensure-helm.js builds, and reads what a cluster would run from the manifests: each
 * workload's pod and the environment its container would see.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { loadAll } from 'js-yaml';

const execFileAsync = promisify(execFile);
const ROOT = path.resolve(__dirname, '../..');
export const HELM = path.join(ROOT, '.tools', 'bin', 'helm');
export const CHART = path.join(ROOT, 'deploy', 'helm', 'delivery-aggregator');
export const RELEASE = 'deliveries';
export const NAMESPACE = 'deliveries-ns';

export interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
}

export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef?: { name: string; key: string } };
}

export interface Probe {
  httpGet?: { path: string; port: string | number };
  periodSeconds: number;
  timeoutSeconds: number;
  failureThreshold: number;
}

export interface Container {
  name: string;
  image: string;
  command: string[];
  ports?: { name: string; containerPort: number }[];
  env?: EnvVar[];
  envFrom?: { configMapRef?: { name: string } }[];
  startupProbe?: Probe;
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  lifecycle?: { preStop?: { exec?: { command: string[] } } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
  securityContext?: Record<string, unknown>;
  volumeMounts?: { name: string; mountPath: string }[];
}

export interface PodSpec {
  restartPolicy?: string;
  containers: Container[];
  terminationGracePeriodSeconds?: number;
  automountServiceAccountToken?: boolean;
  securityContext?: Record<string, unknown>;
  volumes?: { name: string; emptyDir?: object; persistentVolumeClaim?: { claimName: string } }[];
}

export interface PodTemplate {
  metadata: { labels: Record<string, string>; annotations?: Record<string, string> };
  spec: PodSpec;
}

/** `helm template` of the chart with value files from its ci/ folder and --set pairs. */
export async function renderChart(
  options: { valueFiles?: string[]; set?: Record<string, string> } = {},
): Promise<Rendered> {
  const valueFiles = options.valueFiles ?? ['ci/default-values.yaml'];
  const args = ['template', RELEASE, CHART, '--namespace', NAMESPACE];
  for (const file of valueFiles) args.push('--values', path.join(CHART, file));
  for (const [key, value] of Object.entries(options.set ?? {}))
    args.push('--set', `${key}=${value}`);
  const { stdout } = await execFileAsync(HELM, args, { maxBuffer: 16 * 1024 * 1024 });
  return new Rendered(loadAll(stdout).filter((doc): doc is Manifest => doc !== null));
}

/** Why `helm template` refused the values (the schema's or a template's message). */
export async function refusal(options: Parameters<typeof renderChart>[0]): Promise<string> {
  try {
    await renderChart(options);
  } catch (error) {
    return String((error as { stderr?: string }).stderr ?? error);
  }
  throw new Error(`helm template accepted ${JSON.stringify(options)}`);
}

/** Placeholders of a valid shape for what the pods would read from Secrets. */
const SECRET_VALUES: Record<string, string> = {
  DATABASE_URL: 'postgres://deliveries:secret@postgres:5432/deliveries',
  JWT_SECRET: 'j'.repeat(48),
  SUPERADMIN_EMAIL: 'boss@example.com',
  SUPERADMIN_PASSWORD: 'p'.repeat(16),
};

export class Rendered {
  constructor(readonly manifests: Manifest[]) {}

  ofKind(kind: string): Manifest[] {
    return this.manifests.filter((m) => m.kind === kind);
  }

  one(kind: string, name: string): Manifest {
    const found = this.ofKind(kind).find((m) => m.metadata.name === name);
    if (!found) throw new Error(`no ${kind} ${name} among ${this.names().join(', ')}`);
    return found;
  }

  names(): string[] {
    return this.manifests.map((m) => `${m.kind}/${m.metadata.name}`);
  }

  /** The pod templates of the Deployments and Jobs, by component label. */
  pods(): Map<string, PodTemplate> {
    const pods = new Map<string, PodTemplate>();
    for (const m of [...this.ofKind('Deployment'), ...this.ofKind('Job')]) {
      const template = m.spec?.['template'] as PodTemplate;
      pods.set(template.metadata.labels['app.kubernetes.io/component']!, template);
    }
    return pods;
  }

  pod(component: string): PodTemplate {
    const pod = this.pods().get(component);
    if (!pod) throw new Error(`no pod for ${component}`);
    return pod;
  }

  /**
   * The environment the component's container would start with: its ConfigMaps, then its own
   * variables, secret references replaced by placeholders (`secretRefs` says which they were).
   */
  environment(component: string): { env: Record<string, string>; secretRefs: Set<string> } {
    const container = this.pod(component).spec.containers[0]!;
    const env: Record<string, string> = {};
    const secretRefs = new Set<string>();
    for (const source of container.envFrom ?? []) {
      const name = source.configMapRef?.name;
      if (name) Object.assign(env, this.one('ConfigMap', name).data);
    }
    for (const variable of container.env ?? []) {
      if (variable.valueFrom?.secretKeyRef) {
        secretRefs.add(variable.name);
        env[variable.name] = SECRET_VALUES[variable.name] ?? `secret-${variable.name}`;
      } else {
        env[variable.name] = variable.value ?? '';
      }
    }
    return { env, secretRefs };
  }
}

/** Whether a label selector picks a pod with these labels. */
export const selects = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([key, value]) => labels[key] === value);
