import type { Context } from 'koa';
import { SseConnection, type SseLifecycle } from '../sse-connection';
import type { Queryable } from '../../db/knex';
import {
  latestNotificationSeq,
  notificationsAfter,
  type SequencedNotification,
} from '../../db/repositories/notifications';
import type { NotificationHub } from './hub';

const REPLAY_BATCH = 500;

export interface StreamOptions extends SseLifecycle {
  db: Queryable;
  hub: NotificationHub;
  userId: string;
  /** Resume after this stream position (Last-Event-ID); null streams only what comes next. */
  lastEventId: number | null;
  /**
   * Asked at every heartbeat: a stream outlives the credential that opened it, so a deactivated
   * user's stream is ended within one heartbeat instead of running until the client leaves.
   */
  stillAllowed: () => Promise<boolean>;
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
  const connection = new SseConnection(ctx, {
    ...options,
    onClose: () => unsubscribe(),
    heartbeat: (sse) =>
      void options.stillAllowed().then(
        (allowed) => (allowed ? sse.ping() : sse.end()),
        () => sse.ping(),
      ),
  });
  let lastSent = options.lastEventId ?? 0;
  let replaying = true;
  let replayAgain = false;
  const buffered: SequencedNotification[] = [];

  const send = (item: SequencedNotification) => {
    if (item.seq <= lastSent) return;
    lastSent = item.seq;
    connection.write(frame(item));
  };
  const replay = async (): Promise<void> => {
    replaying = true;
    do {
      replayAgain = false;
      for (;;) {
        const batch = await notificationsAfter(options.db, options.userId, lastSent, REPLAY_BATCH);
        if (connection.isClosed) return;
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
      else void replay().catch(() => connection.destroy());
    },
  });
  try {
    if (options.lastEventId === null)
      lastSent = await latestNotificationSeq(options.db, options.userId);
  } catch (error) {
    connection.close();
    throw error;
  }
  connection.begin();
  await replay().catch(() => connection.destroy());
}
