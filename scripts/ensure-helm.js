#!/usr/bin/env node
// Builds helm, which lints and renders the Kubernetes chart (deploy/helm/) for its test and
// `.ci/run`, into .tools/bin on first use (`go install` from the Go module proxy). Plain JS, like
// ensure-deps.js. Re-runs are instant; a changed pinned version builds again.
// Linked as helm's own Makefile links a release: its version, and the Kubernetes version of the
// client-go it is built with as the default `helm template` renders for and `helm lint` checks
// deprecated APIs against (unset, both would be Kubernetes 1.20).
const { execFileSync } = require('node:child_process');
const { existsSync, mkdirSync, readFileSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const MODULE = 'helm.sh/helm/v3/cmd/helm';
const VERSION = 'v3.22.1';

const root = path.resolve(__dirname, '..');
const bin = path.join(root, '.tools', 'bin');
const executable = path.join(bin, 'helm');
const stamp = path.join(bin, '.helm-version');
const RECIPE = `${VERSION} linked as a release`;

/** The Kubernetes minor version of the client-go in helm's go.mod (v0.37.x is Kubernetes 1.37). */
function kubernetesMinor() {
  const download = execFileSync('go', ['mod', 'download', '-json', `helm.sh/helm/v3@${VERSION}`]);
  const goMod = readFileSync(JSON.parse(download.toString()).GoMod, 'utf8');
  const minor = /^\s*k8s\.io\/client-go v0\.(\d+)\./m.exec(goMod)?.[1];
  if (!minor) throw new Error(`no k8s.io/client-go in helm ${VERSION}'s go.mod`);
  return minor;
}

function onPath(command) {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const installed = existsSync(stamp) ? readFileSync(stamp, 'utf8') : '';
if (!existsSync(executable) || installed !== RECIPE) {
  if (!onPath('go')) {
    throw new Error(`Go 1.26+ is needed to build ${MODULE}@${VERSION} for the Helm chart checks`);
  }
  mkdirSync(bin, { recursive: true });
  console.log(
    `Building ${MODULE}@${VERSION} into ${bin} (go install; a few minutes the first time)...`,
  );
  const started = Date.now();
  const minor = kubernetesMinor();
  const linked = {
    'helm.sh/helm/v3/internal/version.version': VERSION,
    'helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor': '1',
    'helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor': minor,
    'helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor': '1',
    'helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor': minor,
  };
  const ldflags = Object.entries(linked).map(([name, value]) => `-X ${name}=${value}`);
  execFileSync('go', ['install', '-ldflags', ldflags.join(' '), `${MODULE}@${VERSION}`], {
    stdio: 'inherit',
    env: { ...process.env, GOBIN: bin },
  });
  writeFileSync(stamp, RECIPE);
  console.log(`helm ${VERSION} built in ${Math.round((Date.now() - started) / 1000)} s`);
}
