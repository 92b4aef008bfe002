import type { Context } from 'koa';
import type { TrackedDelivery } from '../../tracking/public-view';
import { trackingUpdate, type TrackingHub } from './hub';

const RECONNECT_HINT_MS = 3000;

export interface TrackingStreamOptions {
  hub: TrackingHub;
  /** The delivery as read by the page's token, just now, and the hub's `mark()` before that read. */
  delivery: TrackedDelivery;
  mark: number;
  heartbeatMs: number;
  /** Ends the stream with a reconnect hint when the process stops, so the page moves on. */
  drain: { whenDraining(end: () => void): () => void };
  /** Told when this stream opens and closes (the open-streams gauge). */
  streams: { opened(): void; closed(): void };
}

/**
 * Serves one tracking page's Server-Sent Events: the public view at once, then each time it
 * changes (`event: view`), `: ping` comments in between. A replaced link's stream is ended, and
 * the browser's reconnect then meets the 404 of any unknown link.
 */
export function openTrackingStream(ctx: Context, options: TrackingStreamOptions): void {
  const { req, res } = ctx;
  const { hub, delivery } = options;
  let closed = false;
  let lastFrame = '';

  const write = (chunk: string) => {
    if (!closed && !res.destroyed) res.write(chunk);
  };
  // A read that finds nothing new (another page's subscription, an operator's event) sends nothing.
  const send = (frame: string) => {
    if (frame === lastFrame) return;
    lastFrame = frame;
    write(frame);
  };
  const unsubscribe = hub.subscribe(delivery.id, {
    token: delivery.tracking_token,
    onUpdate: (update) => send(update.frame),
    onRevoked: () => res.end(),
  });
  const heartbeat = setInterval(() => write(': ping\n\n'), options.heartbeatMs);
  const leaveOnDrain = options.drain.whenDraining(() => {
    write(`: the server is restarting\nretry: ${RECONNECT_HINT_MS}\n\n`);
    res.end();
  });
  const close = () => {
    if (closed) return;
    closed = true;
    clearInterval(heartbeat);
    unsubscribe();
    leaveOnDrain();
    options.streams.closed();
  };
  options.streams.opened();
  req.once('close', close);
  res.once('close', close);

  // From here on the response is ours: Koa must not touch it. Headers set on ctx stay.
  ctx.status = 200;
  ctx.respond = false;
  req.socket.setTimeout(0);
  req.socket.setNoDelay(true);
  res.writeHead(200, {
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache, no-transform',
    Connection: 'keep-alive',
    // nginx buffers responses unless told not to.
    'X-Accel-Buffering': 'no',
  });
  write(`retry: ${RECONNECT_HINT_MS}\n\n`);
  send(trackingUpdate(delivery, Date.now()).frame);
  // A change announced between the token's read and the subscription reached nobody: the hub
  // reads again (once for every page opening now) if there was one.
  void hub.catchUp(delivery.id, options.mark);
}
