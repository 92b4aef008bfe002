import http from 'node:http';
import { baseUrl } from './base-url';

export interface ReceivedWebhook {
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A local partner endpoint: records every request and answers with the next scripted status. */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  /** Statuses (or statuses with a body) to answer, in order; once used up, 200. */
  script: (number | { status: number; body: string })[] = [];
  private server!: http.Server;

  async start(): Promise<this> {
    this.server = http.createServer((req, res) => {
      let body = '';
      req.setEncoding('utf8');
      req.on('data', (chunk: string) => (body += chunk));
      req.on('end', () => {
        this.received.push({ headers: req.headers, body });
        const next = this.script.shift() ?? 200;
        if (typeof next === 'number') res.writeHead(next).end();
        else res.writeHead(next.status, { 'Content-Type': 'text/plain' }).end(next.body);
      });
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return this;
  }

  get url(): string {
    return `${baseUrl(this.server)}/hooks`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
