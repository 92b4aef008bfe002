/**
 * The OpenTelemetry SDK side of tracing, loaded only when tracing is on (see `tracingFromConfig`).
 */
import { context, propagation, trace } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { Resource } from '@opentelemetry/resources';
import { BatchSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import {
  makeWorkflowExporter,
  OpenTelemetryActivityInboundInterceptor,
  OpenTelemetryActivityOutboundInterceptor,
  OpenTelemetryWorkflowClientInterceptor,
} from '@temporalio/interceptors-opentelemetry';
import { WORKFLOW_TRACING_MODULE } from '../temporal/workflow-bundles';
import type { Tracing } from './tracing';

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

/** Tracing exported over OTLP/HTTP to the collector at `endpoint` (its base URL). */
export function startOtlpTracing(endpoint: string, serviceName: string): Tracing {
  // The endpoint names the collector's base URL; traces go to its standard path.
  const exporter = new OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` });
  return startTracing(new BatchSpanProcessor(exporter), serviceName);
}
