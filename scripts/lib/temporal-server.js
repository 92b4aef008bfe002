// Temporal's server and its SQL tool, built from the Go module (go.temporal.io/server, pinned)
// into .tools/bin, with the module's PostgreSQL schema and its development-postgres12.yaml copied
// beside them into .tools/temporal-server-<version>/: what the resilience suite's cluster runs.
// docker-compose.yml pins the images of the same version (a unit test holds them together).
const { execFileSync } = require('node:child_process');
const { chmodSync, cpSync, existsSync, mkdirSync, renameSync, rmSync } = require('node:fs');
const path = require('node:path');
const { ensureGoTool } = require('./go-tool');

const MODULE = 'go.temporal.io/server';
const VERSION = 'v1.32.2';
// The module asks for Go 1.26.10; this toolchain builds it (go fetches it from the module proxy).
const TOOLCHAIN = 'go1.27.3';
const tools = path.resolve(__dirname, '..', '..', '.tools');

/** Copies what the cluster needs from the module: its schema and its base configuration. */
function copyModuleFiles(target) {
  const download = execFileSync('go', ['mod', 'download', '-json', `${MODULE}@${VERSION}`], {
    env: { ...process.env, GOTOOLCHAIN: TOOLCHAIN },
  });
  const moduleDir = JSON.parse(download.toString()).Dir;
  const staging = `${target}.partial`;
  rmSync(staging, { recursive: true, force: true });
  for (const part of ['schema/postgresql/v12', 'config/development-postgres12.yaml']) {
    mkdirSync(path.dirname(path.join(staging, part)), { recursive: true });
    cpSync(path.join(moduleDir, part), path.join(staging, part), { recursive: true });
  }
  // The module cache is read-only; the copy need not be (so it can be removed like the rest).
  execFileSync('chmod', ['-R', 'u+w', staging]);
  renameSync(staging, target);
}

/**
 * @returns {{ version: string, server: string, sqlTool: string, schemaDir: string,
 *   baseConfig: string }} the executables, the schema folder (temporal/ and visibility/) and the
 *   module's config/development-postgres12.yaml
 */
function ensureTemporalServer() {
  const build = {
    version: VERSION,
    toolchain: TOOLCHAIN,
    recipe: `${VERSION} built with ${TOOLCHAIN}`,
    needs: `Go (it fetches ${TOOLCHAIN} itself) is needed for the resilience suite's Temporal cluster`,
  };
  const server = ensureGoTool({
    ...build,
    name: 'temporal-server',
    module: `${MODULE}/cmd/server`,
  });
  const sqlTool = ensureGoTool({
    ...build,
    name: 'temporal-sql-tool',
    module: `${MODULE}/cmd/tools/sql`,
  });
  const files = path.join(tools, `temporal-server-${VERSION}`);
  if (!existsSync(files)) copyModuleFiles(files);
  chmodSync(files, 0o755);
  return {
    version: VERSION,
    server,
    sqlTool,
    schemaDir: path.join(files, 'schema', 'postgresql', 'v12'),
    baseConfig: path.join(files, 'config', 'development-postgres12.yaml'),
  };
}

module.exports = { TEMPORAL_SERVER_VERSION: VERSION, ensureTemporalServer };
