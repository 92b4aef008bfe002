import type { AddressInfo, Server } from 'node:net';

/** The HTTP base URL of something listening on loopback: a port, or a listening server. */
export function baseUrl(target: number | Server): string {
  const port = typeof target === 'number' ? target : (target.address() as AddressInfo).port;
  return `http://127.0.0.1:${port}`;
}
