import pg from 'pg';
import type { Logger } from '../../logger';
import {
  NOTIFICATION_CHANNEL,
  type Notification,
  type SequencedNotification,
} from '../../db/repositories/notifications';

export interface HubSubscriber {
  onNotification(item: SequencedNotification): void;
  /** Something was stored that this announcement does not carry: read back from your position. */
  onGap(): void;
}

const MAX_RECONNECT_DELAY_MS = 30_000;

/**
 * One dedicated Postgres connection per API process LISTENs on the notifications channel and fans
 * each announcement out, in process, to the streams open for its user.
 */
export class NotificationHub {
  private client: pg.Client | null = null;
  private readonly subscribers = new Map<string, Set<HubSubscriber>>();
  private stopped = false;
  private reconnectTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly databaseUrl: string,
    private readonly logger: Logger,
  ) {}

  async start(): Promise<void> {
    this.stopped = false;
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

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

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    client.on('notification', (message) => this.dispatch(message.payload));
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN ${NOTIFICATION_CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.stopped) await client.end();
    else this.client = client;
  }

  private dispatch(payload: string | undefined): void {
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

  private lost(client: pg.Client, error: Error): void {
    if (this.stopped || this.client !== client) return;
    this.client = null;
    this.logger.warn({ err: error }, 'notification listener lost its connection; reconnecting');
    void client.end().catch(() => undefined);
    this.reconnect(1000);
  }

  private reconnect(delayMs: number): void {
    this.reconnectTimer = setTimeout(() => {
      this.connect().then(
        () => {
          this.logger.info('notification listener reconnected');
          for (const set of this.subscribers.values()) for (const s of set) s.onGap();
        },
        (error: unknown) => {
          if (this.stopped) return;
          this.logger.warn({ err: error }, 'notification listener reconnect failed');
          this.reconnect(Math.min(delayMs * 2, MAX_RECONNECT_DELAY_MS));
        },
      );
    }, delayMs);
    this.reconnectTimer.unref();
  }
}
