import type { Server } from 'node:http';
import type Koa from 'koa';

export function listen(app: Koa, port: number, host = '0.0.0.0'): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
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
