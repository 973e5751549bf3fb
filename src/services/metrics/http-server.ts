/**
 * `/metrics` over HTTP for Prometheus to scrape. Nothing else is served: `/`
 * says where the metrics are, any other path is 404, any method but GET and
 * HEAD is 405. A page that cannot be had (no reading yet, and the first one
 * failed) is 503 with the reason, which Prometheus shows on its targets page.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { CONTENT_TYPE } from './exposition.js';

export interface ListenAddress {
  /** Undefined: every interface, as `:9155` means to Prometheus's own exporters. */
  readonly host: string | undefined;
  readonly port: number;
}

/** `127.0.0.1:9155`, `[::1]:9155`, `localhost:9155`, `:9155`; null when it is none of these. */
export function parseListenAddress(text: string): ListenAddress | null {
  const m = /^(?:\[([0-9A-Fa-f:.]+)\]|([^:[\]\s]*)):(\d{1,5})$/.exec(text.trim());
  if (!m) return null;
  const port = Number(m[3]);
  if (port > 65_535) return null;
  const host = m[1] ?? (m[2] === '' ? undefined : m[2]);
  return { host, port };
}

export interface MetricsServer {
  /** The port listened on (the kernel's choice when 0 was asked for). */
  readonly port: number;
  readonly url: string;
  close(): Promise<void>;
}

export async function serveMetrics(address: ListenAddress, page: () => Promise<string>): Promise<MetricsServer> {
  const server: Server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }).end('only GET and HEAD\n');
      return;
    }
    if (path === '/') {
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' }).end('Strata: the backup status for Prometheus is at /metrics\n');
      return;
    }
    if (path !== '/metrics') {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found: the metrics are at /metrics\n');
      return;
    }
    page().then(
      (text) => {
        res.writeHead(200, { 'Content-Type': CONTENT_TYPE, 'Content-Length': Buffer.byteLength(text) });
        res.end(req.method === 'HEAD' ? undefined : text);
      },
      (e: unknown) => {
        res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' }).end(`${e instanceof Error ? e.message : String(e)}\n`);
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(address.port, address.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port, address: bound, family } = server.address() as AddressInfo;
  const shown = family === 'IPv6' ? `[${bound}]` : bound;
  return {
    port,
    url: `http://${shown}:${port}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
