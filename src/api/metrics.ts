import type { Middleware } from 'koa';
import { matchedRoute } from './router';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * What the API process tells Prometheus (`GET /metrics`). One registry per app, so tests that
 * build several apps in one process never register a metric twice.
 */
export class ApiMetrics {
  readonly registry = new Registry();

  readonly requestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by route template, method and status',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly deliveriesCreated = new Counter({
    name: 'deliveries_created_total',
    help: 'POST /deliveries answered with a delivery: new (201) or replayed (200)',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  readonly deliveryChanges = new Counter({
    name: 'delivery_changes_total',
    help: 'Changes answered 200, by type (assign, transition, cancel, accept_offer, decline_offer) and outcome (applied, replayed)',
    labelNames: ['type', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly openStreams = new Gauge({
    name: 'notification_streams_open',
    help: 'Notification streams (SSE) open on this process',
    registers: [this.registry],
  });

  readonly openTrackingStreams = new Gauge({
    name: 'tracking_streams_open',
    help: 'Public tracking pages following their delivery live (SSE) on this process',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }

  /** Registered outermost, so it sees the status the error boundary settled on. */
  middleware(): Middleware {
    return async (ctx, next) => {
      const end = this.requestDuration.startTimer();
      try {
        await next();
      } finally {
        // The route template, never the raw path: ids would make a series per delivery.
        end({
          route: matchedRoute(ctx) ?? 'unmatched',
          method: ctx.method,
          status: String(ctx.status),
        });
      }
    };
  }
}
