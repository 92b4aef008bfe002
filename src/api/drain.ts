import type { Server } from 'node:http';
import type { Middleware } from 'koa';

/**
 * A graceful stop of the API: readiness turns 503 so load balancers stop sending, the listener
 * stops accepting, idle keep-alive connections close, open notification streams end with a
 * reconnect hint, and requests already in flight get up to the grace period to finish before the
 * remaining connections are cut.
 */
export class Drain {
  private draining = false;
  private inFlight = 0;
  private readonly waiters = new Set<() => void>();
  private readonly onBegin = new Set<() => void>();

  get isDraining(): boolean {
    return this.draining;
  }

  /**
   * Counts requests in flight until their response has left (the middleware chain returns before
   * Koa writes the body); while draining, answers ask the client to close the connection.
   */
  middleware(): Middleware {
    return async (ctx, next) => {
      this.inFlight += 1;
      ctx.res.once('close', () => {
        this.inFlight -= 1;
        if (this.inFlight === 0) for (const wake of this.waiters) wake();
      });
      try {
        await next();
      } finally {
        if (this.draining && !ctx.headerSent) ctx.set('Connection', 'close');
      }
    };
  }

  /** Long-lived responses (notification streams) register how to end themselves. */
  whenDraining(end: () => void): () => void {
    this.onBegin.add(end);
    return () => this.onBegin.delete(end);
  }

  /** Runs the stop; resolves true if every request finished within `graceMs`. */
  async stop(server: Server, graceMs: number): Promise<boolean> {
    this.draining = true;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    for (const end of [...this.onBegin]) end();
    const finished = await this.settled(graceMs);
    server.closeAllConnections();
    await closed;
    return finished;
  }

  private settled(graceMs: number): Promise<boolean> {
    if (this.inFlight === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (result: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve(result);
      };
      const wake = () => done(true);
      const timer = setTimeout(() => done(false), graceMs);
      this.waiters.add(wake);
    });
  }
}
