#!/bin/sh
# Temporal's schema in PostgreSQL, as temporalio/samples-server's compose/scripts/setup-postgres.sh sets
# it up with temporal-sql-tool, made safe to rerun on every `up`: the `temporal` database and
# `temporal_visibility` with SQL advanced visibility. docker-compose.yml runs it in the admin-tools
# image; the resilience suite's cluster runs this same file with the tool and the schema folder built
# from the server's Go module (TEMPORAL_SCHEMA_DIR).
set -eu
: "${POSTGRES_SEEDS:?}" "${POSTGRES_USER:?}" "${SQL_PASSWORD:?}"
SCHEMA=${TEMPORAL_SCHEMA_DIR:-/etc/temporal/schema/postgresql/v12}
tool() { temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -u "$POSTGRES_USER" -p "${DB_PORT:-5432}" "$@"; }

if command -v nc >/dev/null; then
  until nc -z -w 10 "$POSTGRES_SEEDS" "${DB_PORT:-5432}"; do echo 'waiting for PostgreSQL'; sleep 1; done
fi

setup() {
  tool --db "$1" create 2>/dev/null || echo "database $1 exists"
  # update-schema needs the version tables; setup-schema -v 0.0 creates them but would reset the
  # recorded version of a database set up before, so it runs only for a database without them.
  tool --db "$1" update-schema -d "$SCHEMA/$2/versioned" ||
    { tool --db "$1" setup-schema -v 0.0 && tool --db "$1" update-schema -d "$SCHEMA/$2/versioned"; }
}
setup temporal temporal
setup temporal_visibility visibility
echo 'Temporal schema up to date'
