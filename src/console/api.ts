import { ApiProblem } from './problem';
import { API, type Session } from './session';

export interface CallOptions {
  body?: unknown;
  query?: Record<string, string | undefined>;
  /** Sent as Idempotency-Key: a repeat (double click, retry) gets the first answer. */
  idempotencyKey?: string;
}

export interface PageBody<T> {
  data: T[];
  next_cursor: string | null;
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

  async call<T>(method: string, path: string, options: CallOptions = {}): Promise<T> {
    let response = await this.send(method, path, options);
    if (response.status === 401 && (await this.session.refresh())) {
      response = await this.send(method, path, options);
    }
    if (response.status === 401) this.session.end();
    if (!response.ok) throw await ApiProblem.from(response);
    return (response.status === 204 ? undefined : await response.json()) as T;
  }

  private async send(method: string, path: string, options: CallOptions): Promise<Response> {
    const headers: Record<string, string> = {};
    if (this.session.token) headers['Authorization'] = `Bearer ${this.session.token}`;
    if (options.body !== undefined) headers['Content-Type'] = 'application/json';
    if (options.idempotencyKey) headers['Idempotency-Key'] = options.idempotencyKey;
    try {
      return await fetch(url(path, options.query), {
        method,
        headers,
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
      });
    } catch {
      throw ApiProblem.unreachable();
    }
  }
}
