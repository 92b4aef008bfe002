// Whether the running Node is one this project supports (package.json's engines.node), and what
// to tell the user when it is not. Plain JS: ensure-deps.js checks before anything is installed.

const COMPARATOR = /^(>=|<|\^)?v?(\d+)(?:\.(\d+))?(?:\.(\d+))?$/;

/** [major, minor, patch] of '24.22.3', 'v24.22.3' or a prerelease such as '25.0.0-nightly…'. */
function parseVersion(version) {
  const match = /^v?(\d+)\.(\d+)\.(\d+)/.exec(version);
  if (!match) throw new Error(`not a Node version: ${version}`);
  return [Number(match[1]), Number(match[2]), Number(match[3])];
}

function compare(a, b) {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] - b[i];
  return 0;
}

/** A comparator as a test of a parsed version; throws on anything it cannot read. */
function comparator(text) {
  const match = COMPARATOR.exec(text);
  if (!match) throw new Error(`engines.node: cannot read "${text}" (use >=, < or ^)`);
  const bound = [Number(match[2]), Number(match[3] ?? 0), Number(match[4] ?? 0)];
  switch (match[1]) {
    case '>=':
      return (version) => compare(version, bound) >= 0;
    case '<':
      return (version) => compare(version, bound) < 0;
    case '^':
      return (version) => compare(version, bound) >= 0 && version[0] === bound[0];
    default: // a bare 24, 24.11 or 24.11.0: every part it gives must match
      return (version) =>
        match.slice(2).every((part, i) => part === undefined || Number(part) === version[i]);
  }
}

/**
 * Whether `version` satisfies `range`, in the part of npm's range syntax an engines field needs:
 * alternatives joined by `||`, each one or more comparators (`>=`, `<`, `^`, or a bare version)
 * that must all hold. Anything else throws rather than letting every Node through.
 */
function satisfies(version, range) {
  const alternatives = range.split('||').map((alternative) => {
    const comparators = alternative.trim().split(/\s+/).filter(Boolean);
    if (comparators.length === 0) throw new Error(`engines.node: empty alternative in "${range}"`);
    return comparators.map(comparator);
  });
  const parsed = parseVersion(version);
  return alternatives.some((tests) => tests.every((test) => test(parsed)));
}

/**
 * Undefined when `version` satisfies `range`; otherwise what to tell the user: the Node they have,
 * the one needed and three ways to get it (`pinned` is the version in .nvmrc, which CI runs).
 */
function unsupportedNodeMessage({ version, execPath, range, pinned, command }) {
  if (satisfies(version, range)) return undefined;
  const major = parseVersion(pinned)[0];
  return [
    `This project needs Node ${range} (package.json "engines"), and this is Node ${version} (${execPath}).`,
    `Install Node ${major}, the LTS line it is built and tested on (CI runs ${pinned}, from .nvmrc),`,
    `and run \`${command}\` again with it first on PATH. Any one of these gets it:`,
    `  - nvm: \`nvm install && nvm use\` (reads .nvmrc)`,
    `  - the official installers and binaries: https://nodejs.org/en/download (Node ${major} LTS)`,
    `  - the npm registry, as CI does (Linux x64 and arm64): \`PATH="$(scripts/ensure-node.sh):$PATH" ${command}\``,
  ].join('\n');
}

module.exports = { satisfies, unsupportedNodeMessage };
