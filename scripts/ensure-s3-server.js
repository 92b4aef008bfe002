#!/usr/bin/env node
// Builds versitygw, the S3-compatible server the attachment storage tests run against, into
// .tools/bin on first use (`go install` from the Go module proxy). Plain JS, like ensure-deps.js.
// Re-runs are instant; a changed pinned version builds again.
const { ensureGoTool } = require('./lib/go-tool');

ensureGoTool({
  name: 'versitygw',
  module: 'github.com/versity/versitygw/cmd/versitygw',
  version: 'v1.8.0',
  needs: 'Go 1.25+ is needed for the S3 storage tests',
});
