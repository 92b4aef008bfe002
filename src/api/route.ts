import type { Static, TSchema } from '@sinclair/typebox';
import type { Context } from 'koa';
import type { AuthUser } from '../accounts/auth-user';
import type { Role } from '../domain/roles';
import type { Lane } from '../temporal/admission';
import type { JsonLimits } from './middleware/json-limits';
import type { ProblemCode } from './problem';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * Who may call a route. There is no default: a route that does not say cannot be defined,
 * which is how "open to any logged-in user by accident" is made impossible.
 */
export type Access = { public: true } | { roles: readonly [Role, ...Role[]] };

export type { AuthUser };

type Input<S> = S extends TSchema ? Static<S> : undefined;

export interface RouteInput<B, Q, P, A extends Access> {
  body: Input<B>;
  query: Input<Q>;
  params: Input<P>;
  user: A extends { roles: readonly Role[] } ? AuthUser : AuthUser | null;
  requestId: string;
  headers: Context['headers'];
  ctx: Context;
}

export interface RouteResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  /** Set by routes that stream (SSE) and manage ctx themselves. */
  raw?: boolean;
}

export interface ResponseSpec {
  description: string;
  schema?: TSchema;
  contentType?: string;
  /** Other media types the same status may be answered in (content negotiation), by type. */
  alternatives?: Record<string, TSchema>;
  /** The problem type, when the status alone does not say it (its example shows this one). */
  code?: ProblemCode;
}

export interface Route<
  B extends TSchema | undefined = TSchema | undefined,
  Q extends TSchema | undefined = TSchema | undefined,
  P extends TSchema | undefined = TSchema | undefined,
  A extends Access = Access,
> {
  method: HttpMethod;
  /** OpenAPI-style path relative to the API prefix, e.g. `/deliveries/{id}`. */
  path: string;
  /** Mounted at the server root instead of under the API prefix (health probes). */
  root?: boolean;
  summary: string;
  /** Markdown under the summary in Swagger UI: what a caller needs to know beyond the schemas. */
  description?: string;
  tag: string;
  access: A;
  /**
   * A query parameter accepted instead of the bearer header (e.g. a single-use `ticket` for a
   * browser EventSource, which cannot set headers). The router resolves it with the resolver
   * registered under that name and hides it from the route's query.
   */
  queryCredential?: string;
  /**
   * Refuses API keys (403): managing keys takes a signed-in user, so a leaked key cannot mint
   * keys that outlive its own revocation.
   */
  sessionOnly?: true;
  /**
   * The admission lane of the Temporal call the route makes (a create, or a change of a running
   * delivery): past capacity the router refuses it before authenticating against the database or
   * reading the body (`EarlyAdmission`), so the refusal stays fast when everything is slow.
   */
  lane?: Lane;
  body?: B;
  /**
   * A realistic body for Swagger UI's "Try it out" (and schemathesis' examples phase); a function,
   * so dates in it are computed when the document is built.
   */
  example?: () => Input<B>;
  /**
   * A `curl` command that calls the route, shown under the description (and as Redoc's
   * `x-codeSamples`). It reads `$API` (the API's base URL), and `$KEY` (an API key) or `$TOKEN`
   * (a signed-in user's access token) from the shell, as the document's introduction says.
   */
  curl?: string;
  query?: Q;
  params?: P;
  /** A JSON body larger than the usual 1 MiB and 1,000 values (a bulk create). */
  jsonLimits?: JsonLimits;
  /**
   * What a request whose path parameters fail `params` gets instead of the router's 400. For a
   * secret in the path (a tracking token): a malformed one must read exactly like an unknown one.
   */
  invalidParams?: (input: { ctx: Context }) => Promise<RouteResult>;
  headers?: Record<string, { description: string; schema: TSchema; required?: boolean }>;
  responses: Record<number, ResponseSpec>;
  handle: (input: RouteInput<B, Q, P, A>) => Promise<RouteResult>;
}

/** Identity function that lets TypeScript infer the route's input types from its schemas. */
export function defineRoute<
  B extends TSchema | undefined = undefined,
  Q extends TSchema | undefined = undefined,
  P extends TSchema | undefined = undefined,
  A extends Access = Access,
>(route: Route<B, Q, P, A>): Route {
  return route as unknown as Route;
}
