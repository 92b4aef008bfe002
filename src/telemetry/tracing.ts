import type { Tracer } from '@opentelemetry/api';
import type { ClientInterceptors } from '@temporalio/client';
import type { WorkerOptions } from '@temporalio/worker';
import type { Config } from '../config';

/** What a process wires in when tracing is on; when it is off there is no such object at all. */
export interface Tracing {
  /** For the API's server spans. */
  tracer: Tracer;
  /** For the Temporal client: its spans, and their context in the start and update headers. */
  clientInterceptors: ClientInterceptors;
  /** For the worker: activity spans, the workflow interceptors, and the sink their spans leave by. */
  worker: {
    activity: NonNullable<NonNullable<WorkerOptions['interceptors']>['activity']>;
    workflowModules: string[];
    sinks: NonNullable<WorkerOptions['sinks']>;
  };
  /** Flushes what is buffered and unregisters the global tracer, context and propagator. */
  shutdown(): Promise<void>;
}

/** Tracing exported over OTLP/HTTP when `OTEL_EXPORTER_OTLP_ENDPOINT` is set; otherwise none. */
export function tracingFromConfig(config: Config, serviceName: string): Tracing | undefined {
  const endpoint = config.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint) return undefined;
  // Required here, not imported: a process with tracing off never loads the OpenTelemetry SDK
  // (test/unit/entry-point-modules.test.ts). A dynamic import() would need ESM specifiers.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const otel: typeof import('./otel-tracing') = require('./otel-tracing');
  return otel.startOtlpTracing(endpoint, config.OTEL_SERVICE_NAME ?? serviceName);
}
