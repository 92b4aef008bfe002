import pg from 'pg';
import type { Logger } from '../logger';

/** What one Postgres channel's announcements go to. */
export interface ChannelHandler {
  onMessage(payload: string | undefined): void;
  /** The connection was lost and is back: announcements made meanwhile are gone. */
  onReconnect(): void;
}

const MAX_RECONNECT_DELAY_MS = 30_000;

/**
 * The API process's one dedicated Postgres connection that LISTENs: on every channel a live
 * feature needs (the notification stream, the tracking pages), each announcement handed to that
 * channel's handler. Lost connections are re-opened with backoff, and every handler is told.
 */
export class PgListener {
  private client: pg.Client | null = null;
  private stopped = false;
  private reconnectTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly databaseUrl: string,
    private readonly logger: Logger,
    private readonly channels: Readonly<Record<string, ChannelHandler>>,
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

  private async connect(): Promise<void> {
    const client = new pg.Client({ connectionString: this.databaseUrl });
    client.on('notification', (message) =>
      this.channels[message.channel]?.onMessage(message.payload),
    );
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    try {
      await client.connect();
      // Channel names are this module's constants, never input: quoted as identifiers anyway.
      const names = Object.keys(this.channels).map((name) => client.escapeIdentifier(name));
      await client.query(names.map((name) => `LISTEN ${name}`).join('; '));
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    }
    if (this.stopped) await client.end();
    else this.client = client;
  }

  private lost(client: pg.Client, error: Error): void {
    if (this.stopped || this.client !== client) return;
    this.client = null;
    this.logger.warn({ err: error }, 'the LISTEN connection was lost; reconnecting');
    void client.end().catch(() => undefined);
    this.reconnect(1000);
  }

  private reconnect(delayMs: number): void {
    this.reconnectTimer = setTimeout(() => {
      this.connect().then(
        () => {
          this.logger.info('the LISTEN connection is back');
          for (const handler of Object.values(this.channels)) handler.onReconnect();
        },
        (error: unknown) => {
          if (this.stopped) return;
          this.logger.warn({ err: error }, 'the LISTEN connection could not be re-opened');
          this.reconnect(Math.min(delayMs * 2, MAX_RECONNECT_DELAY_MS));
        },
      );
    }, delayMs);
    this.reconnectTimer.unref();
  }
}
