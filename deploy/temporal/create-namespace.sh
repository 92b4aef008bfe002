#!/bin/sh
# The namespace the platform uses, created once the server answers (as temporalio/samples-server's
# compose/scripts/create-namespace.sh does). Retention: TEMPORAL_RETENTION (default 30 days).
set -eu
NAMESPACE=${DEFAULT_NAMESPACE:-default}
until temporal operator cluster health --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; do
  echo 'waiting for the Temporal server'
  sleep 2
done
if temporal operator namespace describe -n "$NAMESPACE" --address "$TEMPORAL_ADDRESS" >/dev/null 2>&1; then
  echo "namespace $NAMESPACE exists"
else
  temporal operator namespace create -n "$NAMESPACE" --retention "${TEMPORAL_RETENTION:-720h}" --address "$TEMPORAL_ADDRESS"
fi
