import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { baseUrl } from './base-url';

/** A request as Postmark would have received it. */
export interface ReceivedEmail {
  token: string | undefined;
  body: Record<string, unknown>;
  /** The status this server answered with. */
  status: number;
  /** Postmark's id for an accepted message. */
  messageId?: string;
}

export interface ScriptedFailure {
  status: 500 | 503 | 429 | 422 | 401 | 400;
  /** Postmark's ErrorCode in the answer (e.g. 406 inactive recipient, 300 invalid email). */
  errorCode?: number;
  times: number;
}

const INACTIVE_MESSAGE =
  'You tried to send to a recipient that has been marked as inactive. Found inactive addresses: ' +
  '%s. Inactive recipients are ones that have generated a hard bounce, a spam complaint, or a ' +
  'manual suppression.';

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | null> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/**
 * A local server answering `POST /email` like Postmark's API, scriptable per recipient, that
 * records every request. The real `postmark` client is pointed at it with POSTMARK_API_URL.
 */
export class FakePostmark {
  readonly received: ReceivedEmail[] = [];
  private readonly scripts = new Map<string, ScriptedFailure[]>();
  private readonly holds = new Map<string, { arrived: () => void; released: Promise<void> }>();
  private readonly server = createServer((req, res) => void this.handle(req, res));

  constructor(readonly token: string = randomUUID()) {}

  get url(): string {
    return baseUrl(this.server);
  }

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  /** The next requests to `to` get these failures, in order, before succeeding. */
  script(to: string, ...failures: ScriptedFailure[]): void {
    this.scripts.set(
      to.toLowerCase(),
      failures.map((f) => ({ ...f })),
    );
  }

  /** Forget the remaining failures for `to`: its next request succeeds. */
  heal(to: string): void {
    this.scripts.delete(to.toLowerCase());
  }

  /**
   * The next request to `to` is accepted (recorded with status 200, as Postmark would have sent
   * it) but answered only on `release()`: a sender that dies meanwhile never learns it was sent.
   */
  holdNext(to: string): { arrived: Promise<void>; release: () => void } {
    let arrived!: () => void;
    let release!: () => void;
    const arrival = new Promise<void>((resolve) => (arrived = resolve));
    const released = new Promise<void>((resolve) => (release = resolve));
    this.holds.set(to.toLowerCase(), { arrived, released });
    return { arrived: arrival, release };
  }

  requestsTo(to: string): ReceivedEmail[] {
    return this.received.filter((r) => String(r.body['To']).toLowerCase() === to.toLowerCase());
  }

  private nextFailure(to: string): ScriptedFailure | undefined {
    const queue = this.scripts.get(to.toLowerCase()) ?? [];
    while (queue.length > 0 && queue[0]!.times <= 0) queue.shift();
    const failure = queue[0];
    if (failure) failure.times -= 1;
    return failure;
  }

  /** `GET /messages/outbound?metadata_<field>=<value>`: accepted messages, newest first. */
  private search(url: URL, res: ServerResponse): void {
    const filters = [...url.searchParams].filter(([name]) => name.startsWith('metadata_'));
    const matches = this.received
      .filter((r) => r.status === 200)
      .filter((r) => {
        const metadata = (r.body['Metadata'] ?? {}) as Record<string, unknown>;
        return filters.every(([name, value]) => metadata[name.slice('metadata_'.length)] === value);
      })
      .reverse();
    const count = Number(url.searchParams.get('count') ?? 100);
    send(res, 200, {
      TotalCount: matches.length,
      Messages: matches.slice(0, count).map((r) => ({
        MessageID: r.messageId,
        To: [{ Email: r.body['To'], Name: null }],
        Subject: r.body['Subject'],
        Metadata: r.body['Metadata'] ?? {},
        Status: 'Sent',
      })),
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://postmark.local');
    const token = req.headers['x-postmark-server-token'] as string | undefined;
    if (req.method === 'GET' && url.pathname === '/messages/outbound') {
      if (token !== this.token) {
        return send(res, 401, { ErrorCode: 10, Message: 'Bad or missing Server API token.' });
      }
      return this.search(url, res);
    }
    if (req.method !== 'POST' || url.pathname !== '/email') {
      return send(res, 404, { ErrorCode: 404, Message: 'Not found' });
    }
    const body = await readJson(req);
    const answer = (status: number, payload: unknown) => {
      this.received.push({ token, body: body ?? {}, status });
      send(res, status, payload);
    };
    if (token !== this.token) {
      return answer(401, { ErrorCode: 10, Message: 'Bad or missing Server API token.' });
    }
    if (!body) return answer(400, { ErrorCode: 402, Message: 'Invalid JSON' });
    const to = typeof body['To'] === 'string' ? body['To'] : '';
    if (!to.includes('@')) {
      return answer(422, { ErrorCode: 300, Message: `Invalid 'To' address: '${to}'.` });
    }
    const failure = this.nextFailure(to);
    if (failure) {
      const message =
        failure.errorCode === 406
          ? INACTIVE_MESSAGE.replace('%s', to)
          : `Scripted ${failure.status}`;
      return answer(failure.status, { ErrorCode: failure.errorCode ?? 0, Message: message });
    }
    const hold = this.holds.get(to.toLowerCase());
    if (hold) {
      this.holds.delete(to.toLowerCase());
      this.received.push({ token, body, status: 200, messageId: randomUUID() });
      hold.arrived();
      await hold.released;
      if (!res.destroyed) send(res, 200, { To: to, ErrorCode: 0, Message: 'OK' });
      return;
    }
    const messageId = randomUUID();
    this.received.push({ token, body, status: 200, messageId });
    send(res, 200, {
      To: to,
      SubmittedAt: new Date().toISOString(),
      MessageID: messageId,
      ErrorCode: 0,
      Message: 'OK',
    });
  }
}

export function startFakePostmark(token?: string): Promise<FakePostmark> {
  return new FakePostmark(token).start();
}
