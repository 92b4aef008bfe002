// Builds a Go command from the Go module proxy into .tools/bin on first use (`go install`), for
// the ensure-* scripts. A stamp file records what was built, so re-runs are instant and a changed
// pin (or link recipe) builds again.
const { execFileSync } = require('node:child_process');
const { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const bin = path.resolve(__dirname, '..', '..', '.tools', 'bin');

function onPath(command) {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/**
 * @param {{ name: string, module: string, version: string, needs: string,
 *   recipe?: string, ldflags?: () => string[], toolchain?: string }} tool
 *   `needs` says which Go and what for, should Go be missing; `recipe` (default: the version) is
 *   what the stamp records; `ldflags` are computed only when a build is needed; `toolchain` pins
 *   the Go toolchain (GOTOOLCHAIN, fetched by go from the module proxy). When `name` is not the
 *   package's last path element (what `go install` names the executable), the executable is
 *   renamed to `name`.
 * @returns {string} the executable's path
 */
function ensureGoTool(tool) {
  const executable = path.join(bin, tool.name);
  const stamp = path.join(bin, `.${tool.name}-version`);
  const recipe = tool.recipe ?? tool.version;
  const installed = existsSync(stamp) ? readFileSync(stamp, 'utf8') : '';
  if (existsSync(executable) && installed === recipe) return executable;
  if (!onPath('go')) throw new Error(`${tool.needs} to build ${tool.module}@${tool.version}`);
  mkdirSync(bin, { recursive: true });
  console.log(
    `Building ${tool.module}@${tool.version} into ${bin} (go install; a few minutes the first time)...`,
  );
  const started = Date.now();
  const flags = tool.ldflags ? ['-ldflags', tool.ldflags().join(' ')] : [];
  const toolchain = tool.toolchain ? { GOTOOLCHAIN: tool.toolchain } : {};
  execFileSync('go', ['install', ...flags, `${tool.module}@${tool.version}`], {
    stdio: 'inherit',
    env: { ...process.env, ...toolchain, GOBIN: bin },
  });
  const built = path.join(bin, path.basename(tool.module));
  if (built !== executable) renameSync(built, executable);
  writeFileSync(stamp, recipe);
  const seconds = Math.round((Date.now() - started) / 1000);
  console.log(`${tool.name} ${tool.version} built in ${seconds} s`);
  return executable;
}

module.exports = { ensureGoTool };
