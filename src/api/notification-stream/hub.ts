import type { Logger } from '../../logger';
import type { Notification, SequencedNotification } from '../../db/repositories/notifications';
import type { ChannelHandler } from '../pg-listener';

export interface HubSubscriber {
  onNotification(item: SequencedNotification): void;
  /** Something was stored that this announcement does not carry: read back from your position. */
  onGap(): void;
}

/**
 * The notifications channel's handler on the process's LISTEN connection (`PgListener`): fans
 * each announcement out, in process, to the streams open for its user.
 */
export class NotificationHub implements ChannelHandler {
  private readonly subscribers = new Map<string, Set<HubSubscriber>>();

  constructor(private readonly logger: Logger) {}

  subscribe(userId: string, subscriber: HubSubscriber): () => void {
    let set = this.subscribers.get(userId);
    if (!set) {
      set = new Set();
      this.subscribers.set(userId, set);
    }
    set.add(subscriber);
    return () => {
      set.delete(subscriber);
      if (set.size === 0 && this.subscribers.get(userId) === set) this.subscribers.delete(userId);
    };
  }

  /** Open streams of the user in this process. */
  subscriberCount(userId: string): number {
    return this.subscribers.get(userId)?.size ?? 0;
  }

  onMessage(payload: string | undefined): void {
    let item: Omit<SequencedNotification, 'notification'> & { notification?: Notification };
    try {
      item = JSON.parse(payload ?? '') as typeof item;
    } catch {
      this.logger.warn({ payload }, 'unreadable notification announcement');
      return;
    }
    const { notification } = item;
    for (const subscriber of this.subscribers.get(item.user_id) ?? []) {
      // An announcement too long for NOTIFY carries only the position: read it back.
      if (notification) subscriber.onNotification({ ...item, notification });
      else subscriber.onGap();
    }
  }

  /** Announcements made while the connection was down are lost: every stream reads back. */
  onReconnect(): void {
    for (const set of this.subscribers.values()) for (const subscriber of set) subscriber.onGap();
  }
}
