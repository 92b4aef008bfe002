#!/usr/bin/env node
// Builds Temporal's server and temporal-sql-tool (go.temporal.io/server, pinned) into .tools/bin
// on first use, about 8 minutes, for the resilience suite's cluster. Plain JS, like ensure-deps.js.
// Re-runs are instant; a changed pinned version builds again.
const { ensureTemporalServer } = require('./lib/temporal-server');

const { version, server, sqlTool, schemaDir } = ensureTemporalServer();
console.log(`Temporal server ${version}: ${server}, ${sqlTool}, schema in ${schemaDir}`);
