import { context, propagation, trace, type Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import type { ClientInterceptors } from '@temporalio/client';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import type { WorkerOptions } from '@temporalio/worker';
import type { Config } from '../config';
import { WORKFLOW_TRACING_MODULE } from '../temporal/workflow-bundles';

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

/**
 * Registers a tracer provider globally (the AsyncLocalStorage context manager and the W3C
 * `traceparent` propagator the Temporal interceptors rely on) that hands every span, the
 * workflow's included, to `spanProcessor`.
 */
export function startTracing(spanProcessor: SpanProcessor, serviceName: string): Tracing {
  const resource = new Resource({ 'service.name': serviceName });
  const provider = new NodeTracerProvider({ resource, spanProcessors: [spanProcessor] });
  provider.register();
  const tracer = provider.getTracer('delivery-aggregator');
  return {
    tracer,
    clientInterceptors: { workflow: [new OpenTelemetryWorkflowClientInterceptor({ tracer })] },
    worker: {
      activity: [
        (ctx) => ({
          inbound: new OpenTelemetryActivityInboundInterceptor(ctx, { tracer }),
          outbound: new OpenTelemetryActivityOutboundInterceptor(ctx),
        }),
      ],
      workflowModules: [WORKFLOW_TRACING_MODULE],
      sinks: { exporter: makeWorkflowExporter(spanProcessor, resource) },
    },
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

/** Tracing exported over OTLP/HTTP when `OTEL_EXPORTER_OTLP_ENDPOINT` is set; otherwise none. */
export function tracingFromConfig(config: Config, serviceName: string): Tracing | undefined {
  const endpoint = config.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (!endpoint) return undefined;
  // The variable names the collector's base URL; traces go to its standard path.
  const exporter = new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` });
  return startTracing(new BatchSpanProcessor(exporter), config.OTEL_SERVICE_NAME ?? serviceName);
}
