import type { Api } from './api';
import type { ConsoleNotification } from './model';
import { API } from './session';

export interface StreamListener {
  notification(item: ConsoleNotification): void;
  /** The stream (re)opened without a known position: what came meanwhile must be read by list. */
  resync(): void;
  connected(open: boolean): void;
}

const MAX_RETRY_MS = 15_000;

/**
 * The notification stream, opened with a single-use ticket (EventSource cannot send the token).
 * The browser's own reconnect would present the spent ticket, so every drop closes the source and
 * opens a new one with a fresh ticket and the last position seen: the server replays what came
 * meanwhile, and positions at or below the last one are dropped, so there is no gap and no
 * duplicate.
 */
export class NotificationStream {
  private source: EventSource | null = null;
  private position: string | null = null;
  private failures = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private stopped = true;

  constructor(
    private readonly api: Api,
    private readonly listener: StreamListener,
  ) {}

  start(): void {
    this.stopped = false;
    void this.open();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.source?.close();
    this.source = null;
  }

  private async open(): Promise<void> {
    let ticket: string;
    try {
      ticket = (await this.api.post<{ ticket: string }>('/notifications/stream-ticket')).ticket;
    } catch {
      return this.retry();
    }
    if (this.stopped) return;
    const query = new URLSearchParams({ ticket });
    const resumeFrom = this.position;
    if (resumeFrom !== null) query.set('last_event_id', resumeFrom);
    const source = new EventSource(`${API}/notifications/stream?${query.toString()}`);
    this.source = source;
    source.onopen = () => {
      this.failures = 0;
      this.listener.connected(true);
      if (resumeFrom === null) this.listener.resync();
    };
    source.addEventListener('notification', (event) => {
      const { lastEventId, data } = event as MessageEvent<string>;
      if (this.position !== null && Number(lastEventId) <= Number(this.position)) return;
      this.position = lastEventId;
      this.listener.notification(JSON.parse(data) as ConsoleNotification);
    });
    source.onerror = () => {
      source.close();
      if (this.source !== source || this.stopped) return;
      this.listener.connected(false);
      this.retry();
    };
  }

  private retry(): void {
    if (this.stopped) return;
    this.failures += 1;
    const delay = Math.min(500 * 2 ** (this.failures - 1), MAX_RETRY_MS);
    this.timer = setTimeout(() => void this.open(), delay);
  }
}
