import type { UserBody } from '../schemas/users';
import { ApiProblem } from './problem';

export const API = '/api/v1';

export type ConsoleUser = UserBody;

interface SessionBody {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  user: ConsoleUser;
}

/**
 * The refresh token lives in sessionStorage (this tab only, gone when it closes) so a reload does
 * not sign the user out; the access token lives in memory only. docs/architecture.md says why.
 */
const REFRESH_KEY = 'delivery-console.refresh-token';
/** Refresh this long before the access token expires, or at 80% of a shorter lifetime. */
const REFRESH_LEAD_SECONDS = 60;
const RETRY_REFRESH_MS = 5000;

export const SESSION_ENDED = 'Your session has ended. Sign in again.';

async function postJson(path: string, body: unknown): Promise<Response> {
  try {
    return await fetch(API + path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch {
    throw ApiProblem.unreachable();
  }
}

/** Who is signed in, their tokens, and keeping the access token fresh. */
export class Session {
  user: ConsoleUser | null = null;
  private accessToken: string | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private refreshing: Promise<boolean> | null = null;

  /** Told when the session ends by itself (expired, revoked, deactivated), with why. */
  constructor(private readonly onEnded: (message: string) => void) {}

  get token(): string | null {
    return this.accessToken;
  }

  async signIn(email: string, password: string): Promise<ConsoleUser> {
    const response = await postJson('/auth/login', { email, password });
    if (!response.ok) throw await ApiProblem.from(response);
    return this.adopt((await response.json()) as SessionBody);
  }

  /** Picks up the session this tab had before a reload, if its refresh token still works. */
  async resume(): Promise<ConsoleUser | null> {
    if (!sessionStorage.getItem(REFRESH_KEY)) return null;
    return (await this.refresh()) ? this.user : null;
  }

  /**
   * Trades the refresh token for a new pair. One exchange at a time: a refresh token works once,
   * and a second concurrent use would look like a stolen copy and end the whole session.
   */
  refresh(): Promise<boolean> {
    this.refreshing ??= this.exchange().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  async signOut(): Promise<void> {
    const refreshToken = sessionStorage.getItem(REFRESH_KEY);
    this.forget();
    // Revokes the session server-side; the tokens are already gone from this tab either way.
    if (refreshToken)
      await postJson('/auth/logout', { refresh_token: refreshToken }).catch(() => {});
  }

  /** Ends the session from this side (a 401 that a refresh could not cure). */
  end(message = SESSION_ENDED): void {
    if (!this.user) return;
    this.forget();
    this.onEnded(message);
  }

  private async exchange(): Promise<boolean> {
    const refreshToken = sessionStorage.getItem(REFRESH_KEY);
    if (!refreshToken) return false;
    const response = await postJson('/auth/refresh', { refresh_token: refreshToken }).catch(
      () => null,
    );
    // Unreachable: keep the token and let the next call try again.
    if (response === null) return false;
    if (!response.ok) {
      sessionStorage.removeItem(REFRESH_KEY);
      return false;
    }
    this.adopt((await response.json()) as SessionBody);
    return true;
  }

  private adopt(body: SessionBody): ConsoleUser {
    this.accessToken = body.access_token;
    this.user = body.user;
    sessionStorage.setItem(REFRESH_KEY, body.refresh_token);
    const lead = Math.min(REFRESH_LEAD_SECONDS, body.expires_in * 0.2);
    this.schedule((body.expires_in - lead) * 1000);
    return body.user;
  }

  private schedule(delayMs: number): void {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      void this.refresh().then((ok) => {
        if (ok) return;
        // A refused token is gone from storage: the session is over. Otherwise the server was
        // unreachable, and the token may still work in a moment.
        if (sessionStorage.getItem(REFRESH_KEY)) this.schedule(RETRY_REFRESH_MS);
        else this.end();
      });
    }, delayMs);
  }

  private forget(): void {
    clearTimeout(this.timer);
    this.accessToken = null;
    this.user = null;
    sessionStorage.removeItem(REFRESH_KEY);
  }
}
