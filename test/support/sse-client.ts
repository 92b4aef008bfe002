import http from 'node:http';

export interface SseEvent {
  id?: string;
  event?: string;
  data?: string;
  /** Comment lines (`: ping`), without the colon. */
  comments: string[];
}

/** A minimal EventSource for tests: reads the stream as it arrives and parses its blocks. */
export class SseClient {
  readonly events: SseEvent[] = [];
  /** Resolves when the server ends the response. */
  readonly ended: Promise<void>;
  private waiters: (() => void)[] = [];
  private buffer = '';

  private constructor(
    readonly status: number,
    readonly headers: http.IncomingHttpHeaders,
    private readonly response: http.IncomingMessage,
    readonly body: Promise<string>,
  ) {
    this.ended = new Promise((resolve) => {
      response.once('end', () => resolve());
      response.once('close', () => resolve());
    });
  }

  static open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      const request = http.get(url, { headers: { Accept: 'text/event-stream', ...headers } });
      request.on('error', reject);
      request.on('response', (response) => {
        response.setEncoding('utf8');
        if (response.statusCode !== 200) {
          let text = '';
          response.on('data', (chunk: string) => (text += chunk));
          const body = new Promise<string>((done) => response.on('end', () => done(text)));
          resolve(new SseClient(response.statusCode ?? 0, response.headers, response, body));
          return;
        }
        const client = new SseClient(200, response.headers, response, Promise.resolve(''));
        response.on('data', (chunk: string) => client.receive(chunk));
        response.on('error', () => undefined);
        resolve(client);
      });
    });
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, end);
      this.buffer = this.buffer.slice(end + 2);
      const event: SseEvent = { comments: [] };
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) event.comments.push(line.slice(1).trim());
        const match = /^(id|event|data): ?(.*)$/.exec(line);
        if (match) event[match[1] as 'id' | 'event' | 'data'] = match[2];
      }
      this.events.push(event);
    }
    for (const wake of this.waiters.splice(0)) wake();
  }

  /** The notification events so far (not comments or the retry hint). */
  notifications(): SseEvent[] {
    return this.events.filter((e) => e.event === 'notification');
  }

  /** Resolves once `predicate` holds for the events received, or rejects after `timeoutMs`. */
  async waitFor(predicate: (events: SseEvent[]) => boolean, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.events)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`Timed out; events so far: ${JSON.stringify(this.events)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.response.destroy();
  }
}
