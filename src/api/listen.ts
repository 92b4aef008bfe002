import { randomUUID } from 'node:crypto';
import { STATUS_CODES, type Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type Koa from 'koa';
import { problemFor, type ProblemBody } from './problem';

function clientErrorProblem(code: string | undefined): ProblemBody {
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      return problemFor(
        'headers-too-large',
        'The request line and headers exceed 16 KB; shorten the URL or the headers.',
      );
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return problemFor('request-timeout', 'The request was not received in time.');
    default:
      return problemFor('malformed-request', 'The request is not valid HTTP/1.1.');
  }
}

/**
 * What Node's HTTP parser refuses never reaches Koa; by default it answers a bare status line
 * (a 431 for a URL over 16 KB). Answered here as problem+json like everything else.
 */
function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const requestId = randomUUID();
  const problem = { ...clientErrorProblem(error.code), request_id: requestId };
  const body = JSON.stringify(problem);
  socket.end(
    [
      `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? ''}`,
      'Content-Type: application/problem+json',
      `Content-Length: ${Buffer.byteLength(body)}`,
      `X-Request-Id: ${requestId}`,
      'Connection: close',
      '',
      body,
    ].join('\r\n'),
  );
}

export function listen(app: Koa, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.on('clientError', answerClientError);
    server.once('listening', () => resolve(server));
    server.once('error', reject);
  });
}

export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Long-lived connections (SSE, keep-alive) would otherwise hold the close open.
    server.closeAllConnections();
  });
}
