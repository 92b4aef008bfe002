#!/usr/bin/env bash
# Builds the production image with a real Docker engine and runs it (called by .ci/run): checks that
# it runs as a non-root user without dev-only packages, reports its size, validates
# docker-compose.yml, then runs the migrate step, an API and a worker container against a loopback
# PostgreSQL and Temporal and takes a delivery through its lifecycle (scripts/docker-smoke.ts).
# Needs root the first time (it installs docker.io and starts dockerd, see docker-base-image.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
IMAGE=${SMOKE_IMAGE:-delivery-aggregator:smoke}
fail() { echo "docker smoke: $*" >&2; exit 1; }

bash scripts/docker-base-image.sh
docker build --network host -q -t "$IMAGE" . >/dev/null
mb() { echo $(( $(docker image inspect -f '{{.Size}}' "$1") / 1000000 )); }
base=$(sed -n 's/^FROM \(node:[^ ]*\).*/\1/p' Dockerfile | sort -u)
echo "image $IMAGE: $(mb "$IMAGE") MB ($(mb "$base") MB of it the $base base)"
node=$(docker run --rm --network host "$IMAGE" node --version)
pinned=$(tr -d '[:space:]v' <.nvmrc)
[ "${node%%.*}" = "v${pinned%%.*}" ] || fail "the image runs Node $node, not Node ${pinned%%.*} (.nvmrc)"
echo "runs Node $node (.nvmrc: $pinned)"

uid=$(docker run --rm --network host "$IMAGE" id -u)
# 1000 is the uid the Helm chart's securityContext names (runAsUser).
[ "$uid" = 1000 ] || fail "the image runs as uid $uid, not the node user (1000)"
echo "runs as uid $uid"
for dev_only in embedded-postgres tsx typescript mocha; do
  if docker run --rm --network host "$IMAGE" node -e "require.resolve('$dev_only')" 2>/dev/null; then
    fail "the image carries the development package $dev_only"
  fi
done
echo "no development packages (embedded-postgres, tsx, typescript, mocha)"

compose=(docker-compose)
docker compose version >/dev/null 2>&1 && compose=(docker compose)
JWT_SECRET=validate POSTGRES_PASSWORD=validate "${compose[@]}" -f docker-compose.yml config -q
echo "docker-compose.yml is valid (${compose[*]} config)"

npx tsx scripts/docker-smoke.ts "$IMAGE"
