#!/usr/bin/env node
// Builds helm, which lints and renders the Kubernetes chart (deploy/helm/) for its test and
// `.ci/run`, into .tools/bin on first use (`go install` from the Go module proxy). Plain JS, like
// ensure-deps.js. Re-runs are instant; a changed pinned version builds again.
// Linked as helm's own Makefile links a release: its version, and the Kubernetes version of the
// client-go it is built with as the default `helm template` renders for and `helm lint` checks
// deprecated APIs against (unset, both would be Kubernetes 1.20).
const { execFileSync } = require('node:child_process');
const { readFileSync } = require('node:fs');
const { ensureGoTool } = require('./lib/go-tool');

const VERSION = 'v3.22.1';

/** The Kubernetes minor version of the client-go in helm's go.mod (v0.37.x is Kubernetes 1.37). */
function kubernetesMinor() {
  const download = execFileSync('go', ['mod', 'download', '-json', `helm.sh/helm/v3@${VERSION}`]);
  const goMod = readFileSync(JSON.parse(download.toString()).GoMod, 'utf8');
  const minor = /^\s*k8s\.io\/client-go v0\.(\d+)\./m.exec(goMod)?.[1];
  if (!minor) throw new Error(`no k8s.io/client-go in helm ${VERSION}'s go.mod`);
  return minor;
}

ensureGoTool({
  name: 'helm',
  module: 'helm.sh/helm/v3/cmd/helm',
  version: VERSION,
  recipe: `${VERSION} linked as a release`,
  needs: 'Go 1.26+ is needed for the Helm chart checks',
  ldflags: () => {
    const minor = kubernetesMinor();
    const linked = {
      'helm.sh/helm/v3/internal/version.version': VERSION,
      'helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor': '1',
      'helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor': minor,
      'helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor': '1',
      'helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor': minor,
    };
    return Object.entries(linked).map(([name, value]) => `-X ${name}=${value}`);
  },
});
