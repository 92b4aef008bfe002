import type { ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import type { Role } from '../../src/domain/roles';
import { waitFor } from './wait-for';

/** Talks to a running API process over HTTP, as a client outside the platform would. */
export interface HttpAnswer {
  status: number;
  headers: Headers;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON bodies the caller checks
  body: any;
}

export interface CallOptions {
  token?: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** One HTTP request; a network failure rejects. */
export async function call(
  base: string,
  method: string,
  urlPath: string,
  options: CallOptions = {},
): Promise<HttpAnswer> {
  const response = await fetch(`${base}${urlPath}`, {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      ...options.headers,
    },
    ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    signal: AbortSignal.timeout(60_000),
  });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // Not JSON (metrics, an empty reply): keep the text.
  }
  return { status: response.status, headers: response.headers, body };
}

export function expectStatus(answer: HttpAnswer, expected: number[], what: string): HttpAnswer {
  if (!expected.includes(answer.status)) {
    throw new Error(`${what}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
  }
  return answer;
}

export async function signIn(base: string, email: string, password: string): Promise<string> {
  const answer = await call(base, 'POST', '/api/v1/auth/login', { body: { email, password } });
  return expectStatus(answer, [200], `sign-in of ${email}`).body.access_token as string;
}

export interface HttpUser {
  id: string;
  email: string;
  token: string;
}

/** A fresh active user of the role, created by a super admin through `POST /users`. */
export async function createUserOverHttp(
  base: string,
  superAdminToken: string,
  role: Role,
): Promise<HttpUser> {
  const email = `${role.replace('_', '-')}-${randomUUID()}@example.test`;
  const password = `pw-${randomUUID()}`;
  const created = await call(base, 'POST', '/api/v1/users', {
    token: superAdminToken,
    body: { email, password, role, first_name: 'Http', last_name: role },
  });
  expectStatus(created, [201], `creating a ${role}`);
  return { id: created.body.id as string, email, token: await signIn(base, email, password) };
}

/** A valid creation body, unique per call. */
export function newDeliveryBody(): Record<string, string> {
  return {
    product_name: `Espresso machine ${randomUUID()}`,
    delivery_address: '1 Main St, Springfield',
    delivery_date: '2030-01-01',
  };
}

export interface ReadyOptions {
  /** Also wait for a worker polling the task queue (`checks.worker` is `ok`). */
  withWorker?: boolean;
  timeoutMs?: number;
  /** The process serving `base`: its exit fails the wait at once instead of at the deadline. */
  child?: ChildProcess;
}

/** Polls `/readyz` until it answers 200 (with a worker polling, if asked); `what` names the server. */
export function waitForReady(
  base: string,
  what: string | (() => string),
  { withWorker = false, timeoutMs = 90_000, child }: ReadyOptions = {},
): Promise<true> {
  const describe = () => (typeof what === 'string' ? what : what());
  return waitFor(
    async () => {
      if (child && (child.exitCode !== null || child.signalCode !== null)) {
        throw new Error(`${describe()} exited before it was ready`);
      }
      const answer = await call(base, 'GET', '/readyz').catch(() => undefined);
      if (answer?.status !== 200) return undefined;
      return !withWorker || answer.body.checks?.worker === 'ok' ? true : undefined;
    },
    () => `${describe()} to be ready${withWorker ? ' with a worker polling' : ''}`,
    timeoutMs,
  );
}
