import type { Context } from 'koa';

const RECONNECT_HINT_MS = 3000;

/** What every Server-Sent Events answer of this process shares. */
export interface SseLifecycle {
  heartbeatMs: number;
  /** Ends the stream with a reconnect hint when the process stops, so the client moves on. */
  drain: { whenDraining(end: () => void): () => void };
  /** Told when this stream opens and closes (the open-streams gauge). */
  streams: { opened(): void; closed(): void };
}

/**
 * One Server-Sent Events answer's life: writes that stop once it closed, a heartbeat, a reconnect
 * hint when the process drains, and one cleanup (`onClose`) when either side closes.
 */
export class SseConnection {
  private closed = false;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly leaveOnDrain: () => void;

  constructor(
    private readonly ctx: Context,
    options: SseLifecycle & {
      onClose: () => void;
      /** Instead of a plain `: ping`, e.g. to end a stream whose caller lost its access. */
      heartbeat?: (connection: SseConnection) => void;
    },
  ) {
    const { req, res } = ctx;
    const beat = options.heartbeat ?? ((connection: SseConnection) => connection.ping());
    this.heartbeat = setInterval(() => beat(this), options.heartbeatMs);
    this.leaveOnDrain = options.drain.whenDraining(() => {
      this.write(`: the server is restarting\nretry: ${RECONNECT_HINT_MS}\n\n`);
      this.end();
    });
    const close = () => {
      if (this.closed) return;
      this.closed = true;
      clearInterval(this.heartbeat);
      options.onClose();
      this.leaveOnDrain();
      options.streams.closed();
    };
    this.close = close;
    options.streams.opened();
    req.once('close', close);
    res.once('close', close);
  }

  /** Cleans up now, e.g. when the stream fails before it began. */
  readonly close: () => void;

  get isClosed(): boolean {
    return this.closed;
  }

  write(chunk: string): void {
    if (!this.closed && !this.ctx.res.destroyed) this.ctx.res.write(chunk);
  }

  ping(): void {
    this.write(': ping\n\n');
  }

  end(): void {
    this.ctx.res.end();
  }

  destroy(): void {
    this.ctx.res.destroy();
  }

  /** Takes the response from Koa (headers set on ctx stay), sends the stream's headers and hint. */
  begin(): void {
    const { ctx } = this;
    ctx.status = 200;
    ctx.respond = false;
    ctx.req.socket.setTimeout(0);
    ctx.req.socket.setNoDelay(true);
    ctx.res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache, no-transform',
      Connection: 'keep-alive',
      // nginx buffers responses unless told not to.
      'X-Accel-Buffering': 'no',
    });
    this.write(`retry: ${RECONNECT_HINT_MS}\n\n`);
  }
}
