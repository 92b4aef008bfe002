import type { Context } from 'koa';
import type { Queryable } from '../../db/knex';
import {
  latestNotificationSeq,
  notificationsAfter,
  type SequencedNotification,
} from '../../db/repositories/notifications';
import type { NotificationHub } from './hub';

const REPLAY_BATCH = 500;
const RECONNECT_HINT_MS = 3000;

export interface StreamOptions {
  db: Queryable;
  hub: NotificationHub;
  userId: string;
  /** Resume after this stream position (Last-Event-ID); null streams only what comes next. */
  lastEventId: number | null;
  heartbeatMs: number;
  /**
   * Asked at every heartbeat: a stream outlives the credential that opened it, so a deactivated
   * user's stream is ended within one heartbeat instead of running until the client leaves.
   */
  stillAllowed: () => Promise<boolean>;
  /** Ends the stream with a reconnect hint when the process stops, so the client moves on. */
  drain: { whenDraining(end: () => void): () => void };
  /** Told when this stream opens and closes (the open-streams gauge). */
  streams: { opened(): void; closed(): void };
}

function frame(item: SequencedNotification): string {
  return `id: ${item.seq}\nevent: notification\ndata: ${JSON.stringify(item.notification)}\n\n`;
}

/**
 * Serves one Server-Sent Events connection. It subscribes before reading the backlog and sends
 * only positions above the last one sent, so the switch from replay to live has neither gaps nor
 * duplicates; after a hub reconnect it reads the backlog again for the same reason.
 */
export async function openNotificationStream(ctx: Context, options: StreamOptions): Promise<void> {
  const { req, res } = ctx;
  let closed = false;
  let lastSent = options.lastEventId ?? 0;
  let replaying = true;
  let replayAgain = false;
  const buffered: SequencedNotification[] = [];

  const write = (chunk: string) => {
    if (!closed && !res.destroyed) res.write(chunk);
  };
  const send = (item: SequencedNotification) => {
    if (item.seq <= lastSent) return;
    lastSent = item.seq;
    write(frame(item));
  };
  const replay = async (): Promise<void> => {
    replaying = true;
    do {
      replayAgain = false;
      for (;;) {
        const batch = await notificationsAfter(options.db, options.userId, lastSent, REPLAY_BATCH);
        if (closed) return;
        batch.forEach(send);
        if (batch.length < REPLAY_BATCH) break;
      }
    } while (replayAgain);
    buffered.sort((a, b) => a.seq - b.seq).forEach(send);
    buffered.length = 0;
    replaying = false;
  };

  const unsubscribe = options.hub.subscribe(options.userId, {
    onNotification: (item) => {
      if (replaying) buffered.push(item);
      else send(item);
    },
    onGap: () => {
      if (replaying) replayAgain = true;
      else void replay().catch(() => res.destroy());
    },
  });
  const heartbeat = setInterval(() => {
    void options.stillAllowed().then(
      (allowed) => (allowed ? write(': ping\n\n') : res.end()),
      () => write(': ping\n\n'),
    );
  }, options.heartbeatMs);
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

  try {
    if (options.lastEventId === null)
      lastSent = await latestNotificationSeq(options.db, options.userId);
  } catch (error) {
    close();
    throw error;
  }
  // From here on the response is ours: Koa must not touch it.
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
  await replay().catch(() => res.destroy());
}
