import {
  API_KEY_PREFIX,
  API_KEY_SECRET_LENGTH,
  SANDBOX_API_KEY_PREFIX,
} from '../domain/api-key-format';
import { STREAM_TICKET_TTL_SECONDS } from './notification-stream/stream-tickets';
import { API_PREFIX } from './router';
import type { Route } from './route';

export type Json = Record<string, unknown>;

/** The document's introduction: how a new partner gets from nothing to a delivery, and the errors. */
export const API_DESCRIPTION = `Partners request deliveries; super admins assign them to admins (courier operators); admins move them through their lifecycle; everyone involved is notified.

**Getting started on this page (as a partner)**
1. Open **auth → POST ${API_PREFIX}/auth/login**, press *Try it out*, put your email and password in the body and *Execute*.
   No account yet? \`POST ${API_PREFIX}/auth/register\` creates one; confirm it with the link in the email.
2. Copy \`access_token\` from the response, press **Authorize** (top right), paste it into **bearerAuth** and close the dialog.
3. Open **deliveries → POST ${API_PREFIX}/deliveries**, *Try it out*, adjust the example and *Execute*: a 201 returns the new delivery.

An integration (a shop's backend) should use an API key instead of a password: create one with \`POST ${API_PREFIX}/api-keys\` and send it as \`Authorization: Bearer ${API_KEY_PREFIX}…\`.

Every answer to a partner carries its request limits (IETF draft-ietf-httpapi-ratelimit-headers), for example \`RateLimit-Policy: "per-key";q=600;w=60, "per-partner";q=1200;w=60\` (quota \`q\` requests per window of \`w\` seconds; \`per-key\` only for a request made with an API key) and \`RateLimit: "per-key";r=42;t=17, …\` (\`r\` requests left, \`t\` seconds until the window resets). Over a limit: 429 with \`Retry-After\`.

Some operations show a \`curl\` example; they read three shell variables: \`API\` (this API's base URL, ending in \`${API_PREFIX}\`), \`KEY\` (an API key; a \`${SANDBOX_API_KEY_PREFIX}…\` sandbox key to try things without real deliveries) and \`TOKEN\` (a signed-in user's \`access_token\`, for what a key may not do).

Each operation says which roles may call it (also in \`x-roles\`). Every error is an RFC 9457 \`application/problem+json\` body (\`type\`, \`title\`, \`status\`, \`detail\`, \`request_id\`; \`errors\` for invalid fields). Besides the statuses each operation lists, any request can get a 404 (unknown path; paths are exact in letter case and trailing slash), a 405 with \`Allow\` (a method the path does not have), a 400 (malformed HTTP), a 408 (the request was not received in time) or a 431 (URL or headers over 16 KB).`;

const QUERY_CREDENTIALS: Record<string, string> = {
  ticket: `Only for \`GET ${API_PREFIX}/notifications/stream\` opened by a browser's EventSource, which cannot send an Authorization header: \`POST ${API_PREFIX}/notifications/stream-ticket\` (signed in) returns a single-use \`ticket\`, valid for ${STREAM_TICKET_TTL_SECONDS} seconds, that goes into the stream's query string. Leave it empty here and use bearerAuth: Swagger UI cannot show a live stream anyway.`,
};

/** Query credentials are API keys in the query string as far as OpenAPI is concerned. */
function querySchemes(routes: readonly Route[]): Json {
  const schemes: Json = {};
  for (const { queryCredential } of routes) {
    if (!queryCredential) continue;
    schemes[`${queryCredential}Query`] = {
      type: 'apiKey',
      in: 'query',
      name: queryCredential,
      description: QUERY_CREDENTIALS[queryCredential],
    };
  }
  return schemes;
}

/** What the Authorize dialog shows: where each kind of token comes from. */
export function securitySchemes(routes: readonly Route[]): Json {
  return {
    bearerAuth: {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: `A signed-in user's access token. Get it from \`POST ${API_PREFIX}/auth/login\` with your email and password (on this page: *auth → POST ${API_PREFIX}/auth/login → Try it out*), then paste \`access_token\` here, without the word Bearer. It lasts 15 minutes by default (\`expires_in\`); \`POST ${API_PREFIX}/auth/refresh\` with the \`refresh_token\` gives a new one.`,
    },
    apiKey: {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: `${API_KEY_PREFIX}…`,
      description: `A partner's API key (\`${API_KEY_PREFIX}\` + ${API_KEY_SECRET_LENGTH} letters and digits) from \`POST ${API_PREFIX}/api-keys\` (shown once, when created): paste it here. It acts as its partner with a partner's rights only; a revoked or expired key, or one whose partner was deactivated, is a 401; unknown keys count as failed sign-ins of your address (429 + Retry-After).`,
    },
    ...querySchemes(routes),
  };
}

function who(route: Route): string {
  if ('public' in route.access) return 'anyone, no token needed.';
  const roles = route.access.roles.map((role) => `\`${role}\``).join(', ');
  if (route.sessionOnly) return `${roles}, signed in (an API key is refused).`;
  if (route.access.roles.includes('partner')) return `${roles} (a partner also with an API key).`;
  return `${roles}.`;
}

/** The operation's description: who may call it first, so no one has to open the schema. */
export function operationDescription(route: Route): string {
  const example = route.curl && `**Example**\n\n\`\`\`sh\n${route.curl}\n\`\`\``;
  return [`**Roles:** ${who(route)}`, route.description, example].filter(Boolean).join('\n\n');
}

/** Redoc's (and other renderers') code samples: the route's curl command. */
export function codeSamples(route: Route): Json {
  return route.curl
    ? { 'x-codeSamples': [{ lang: 'Shell', label: 'curl', source: route.curl }] }
    : {};
}
