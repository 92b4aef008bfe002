#!/usr/bin/env bash
# Makes `docker build` of our Dockerfile work on a machine with or without Docker Hub: installs
# Debian's docker.io (and docker-compose, to validate docker-compose.yml) and debootstrap if
# missing, starts dockerd (as root) if no daemon answers, then pulls the Dockerfile's base image
# (node:<major>-bookworm-slim, read from its FROM lines) or, when Docker Hub cannot be reached,
# builds a local stand-in under that tag from Debian bookworm (debootstrap minbase) + the Node and
# npm CI runs on (scripts/ensure-node.sh: the version in .nvmrc, official binary from the npm
# registry), with this machine's CA bundle and npm settings and a `node` user (uid 1000) like the
# real image. Idempotent; prints what it did. Use host networking for builds and containers:
#   docker build --network host -t app . && docker run --network host ...
# Env: DOCKER_DATA (default /var/lib/docker).
set -euo pipefail
cd "$(dirname "$0")/.."
TAG=$(sed -n 's/^FROM \(node:[^ ]*\).*/\1/p' Dockerfile | sort -u)
node_bin=$(scripts/ensure-node.sh)
NODE_VERSION=$("$node_bin/node" --version | tr -d v)
if [ "$TAG" != "node:${NODE_VERSION%%.*}-bookworm-slim" ]; then
  echo "the Dockerfile's base (${TAG:-none}) is not node:${NODE_VERSION%%.*}-bookworm-slim (.nvmrc)" >&2
  exit 1
fi
need=()
command -v dockerd >/dev/null || need+=(docker.io)
command -v docker-compose >/dev/null || docker compose version >/dev/null 2>&1 || need+=(docker-compose)
command -v debootstrap >/dev/null || need+=(debootstrap)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing ${need[*]}"
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
if ! docker info >/dev/null 2>&1; then
  echo "starting dockerd (log /tmp/dockerd.log, pid in /tmp/dockerd.pid)"
  setsid dockerd --data-root "${DOCKER_DATA:-/var/lib/docker}" >/tmp/dockerd.log 2>&1 &
  echo $! >/tmp/dockerd.pid
  for _ in $(seq 1 60); do docker info >/dev/null 2>&1 && break; sleep 1; done
  docker info >/dev/null 2>&1 || { echo "dockerd did not start; see /tmp/dockerd.log" >&2; exit 1; }
fi
if docker image inspect "$TAG" >/dev/null 2>&1; then echo "$TAG already present"; exit 0; fi
if timeout 300 docker pull -q "$TAG" >/dev/null 2>&1; then echo "$TAG pulled"; exit 0; fi
echo "$TAG cannot be pulled: building a stand-in"
work=$(mktemp -d /tmp/standin.XXXX); trap 'rm -rf "$work"' EXIT
root=$work/rootfs
mirror=$(sed -n 's/^URIs: *//p' /etc/apt/sources.list.d/debian.sources 2>/dev/null | head -1)
echo "debootstrap bookworm (minbase)"
debootstrap --variant=minbase bookworm "$root" "${mirror:-}" >"$work/debootstrap.log" 2>&1 || { tail -5 "$work/debootstrap.log" >&2; exit 1; }
echo "node $NODE_VERSION and npm $("$node_bin/npm" --version) from $(dirname "$node_bin")"
mkdir -p "$root/usr/local/lib/node_modules" "$root/usr/local/etc" "$root/etc/ssl/certs"
install -m 755 "$node_bin/node" "$root/usr/local/bin/node"
cp -a "$node_bin/../lib/node_modules/npm" "$root/usr/local/lib/node_modules/npm"
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
cp /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
printf 'cafile=/etc/ssl/certs/ca-certificates.crt\nfund=false\naudit=false\nupdate-notifier=false\n' >"$root/usr/local/etc/npmrc"
cp /etc/resolv.conf "$root/etc/resolv.conf"
chroot "$root" /bin/sh -c 'groupadd -g 1000 node && useradd -u 1000 -g node -m -s /bin/sh node'
tar -C "$root" -c . | docker import -c 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' - "$TAG" >/dev/null
echo "built $TAG: $(docker run --rm --network host "$TAG" node --version), npm $(docker run --rm --network host "$TAG" npm --version)"
