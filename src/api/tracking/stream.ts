import type { Context } from 'koa';
import { SseConnection, type SseLifecycle } from '../sse-connection';
import type { TrackedDelivery } from '../../tracking/public-view';
import { trackingUpdate, type TrackingHub } from './hub';

export interface TrackingStreamOptions extends SseLifecycle {
  hub: TrackingHub;
  /** The delivery as read by the page's token, just now, and the hub's `mark()` before that read. */
  delivery: TrackedDelivery;
  mark: number;
}

/**
 * Serves one tracking page's Server-Sent Events: the public view at once, then each time it
 * changes (`event: view`), `: ping` comments in between. A replaced link's stream is ended, and
 * the browser's reconnect then meets the 404 of any unknown link.
 */
export function openTrackingStream(ctx: Context, options: TrackingStreamOptions): void {
  const { hub, delivery } = options;
  let lastFrame = '';
  const connection = new SseConnection(ctx, { ...options, onClose: () => unsubscribe() });
  // A read that finds nothing new (another page's subscription, an operator's event) sends nothing.
  const send = (frame: string) => {
    if (frame === lastFrame) return;
    lastFrame = frame;
    connection.write(frame);
  };
  const unsubscribe = hub.subscribe(delivery.id, {
    token: delivery.tracking_token,
    onUpdate: (update) => send(update.frame),
    onRevoked: () => connection.end(),
  });

  connection.begin();
  send(trackingUpdate(delivery, Date.now()).frame);
  // A change announced between the token's read and the subscription reached nobody: the hub
  // reads again (once for every page opening now) if there was one.
  void hub.catchUp(delivery.id, options.mark);
}
