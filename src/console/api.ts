import { ApiProblem } from './problem';
import { API, type Session } from './session';

export interface CallOptions {
  body?: unknown;
  /** Bytes sent as they are (a photo) with their type, instead of a JSON `body`. */
  upload?: { bytes: Blob; type: string };
  query?: Record<string, string | undefined>;
  /** Sent as Idempotency-Key: a repeat (double click, retry) gets the first answer. */
  idempotencyKey?: string;
}

export interface PageBody<T> {
  data: T[];
  next_cursor: string | null;
}

/** Answers that say "not now" (overload, a busy database or workflow service): tried again. */
const NOT_NOW = new Set([429, 503]);
/** Tries of one request, and the longest wait between two, before the refusal is shown. */
const MAX_TRIES = 3;
const MAX_WAIT_MS = 5000;

/** The wait a refusal's Retry-After asks for (seconds), 1 s when it names none. */
function retryAfterMs(response: Response): number {
  const seconds = Number(response.headers.get('Retry-After'));
  return Math.min(Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : 1000, MAX_WAIT_MS);
}

/** A random key that works outside secure contexts too (no crypto.randomUUID over plain http). */
export function newIdempotencyKey(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return `console-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

function url(path: string, query: CallOptions['query']): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== '') params.set(key, value);
  }
  const search = params.toString();
  return `${API}${path}${search ? `?${search}` : ''}`;
}

/** The public API with the session's token: a 401 refreshes once, then ends the session. */
export class Api {
  constructor(private readonly session: Session) {}

  get<T>(path: string, query?: CallOptions['query']): Promise<T> {
    return this.call<T>('GET', path, { query });
  }

  post<T>(path: string, options: CallOptions = {}): Promise<T> {
    return this.call<T>('POST', path, options);
  }

  patch<T>(path: string, body: unknown): Promise<T> {
    return this.call<T>('PATCH', path, { body });
  }

  /** Every page of a list, for the lists the console needs whole (partners, notifications). */
  async all<T>(path: string, query: Record<string, string> = {}, maxPages = 20): Promise<T[]> {
    const rows: T[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < maxPages; page += 1) {
      const result = await this.get<PageBody<T>>(path, { ...query, limit: '100', cursor });
      rows.push(...result.data);
      if (!result.next_cursor) break;
      cursor = result.next_cursor;
    }
    return rows;
  }

  /** Sends a file's bytes as they are (the API checks them against `type`). */
  upload<T>(path: string, bytes: Blob, type: string): Promise<T> {
    return this.call<T>('POST', path, { upload: { bytes, type } });
  }

  /**
   * What the API answers as bytes (a photo): the page cannot point an <img> at the API, since
   * the token goes in a header, so it reads the bytes and shows them from an object URL.
   */
  async blob(path: string): Promise<Blob> {
    return (await this.file(path)).blob;
  }

  /** A file the API answers (an export): its bytes and the name its Content-Disposition gives. */
  async file(path: string, query?: CallOptions['query']): Promise<{ blob: Blob; name: string }> {
    const response = await this.respond('GET', path, { query });
    const disposition = response.headers.get('Content-Disposition') ?? '';
    const name = /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'download';
    return { blob: await response.blob(), name };
  }

  async call<T>(method: string, path: string, options: CallOptions = {}): Promise<T> {
    const response = await this.respond(method, path, options);
    return (response.status === 204 ? undefined : await response.json()) as T;
  }

  private async respond(method: string, path: string, options: CallOptions): Promise<Response> {
    let response = await this.sendUntilTaken(method, path, options);
    if (response.status === 401 && (await this.session.refresh())) {
      response = await this.sendUntilTaken(method, path, options);
    }
    if (response.status === 401) this.session.end();
    if (!response.ok) throw await ApiProblem.from(response);
    return response;
  }

  /**
   * Sends, and sends again after a 503 or 429's Retry-After when repeating is safe: a read, or a
   * change under its Idempotency-Key, whose repeat is answered with the first outcome. So an
   * accept the platform took while too busy to answer in time shows as accepted, not as an error.
   */
  private async sendUntilTaken(
    method: string,
    path: string,
    options: CallOptions,
  ): Promise<Response> {
    const repeatable = method === 'GET' || options.idempotencyKey !== undefined;
    for (let tries = 1; ; tries += 1) {
      const response = await this.send(method, path, options);
      if (!repeatable || !NOT_NOW.has(response.status) || tries === MAX_TRIES) return response;
      await new Promise((resolve) => setTimeout(resolve, retryAfterMs(response)));
    }
  }

  private async send(method: string, path: string, options: CallOptions): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.session.token) headers['Authorization'] = `Bearer ${this.session.token}`;
    if (options.idempotencyKey) headers['Idempotency-Key'] = options.idempotencyKey;
    let body: BodyInit | undefined;
    if (options.upload) {
      headers['Content-Type'] = options.upload.type;
      body = options.upload.bytes;
    } else if (options.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(options.body);
    }
    try {
      return await fetch(url(path, options.query), { method, headers, body });
    } catch {
      throw ApiProblem.unreachable();
    }
  }
}
