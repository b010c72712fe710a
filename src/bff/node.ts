import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

/** A fetch-style handler, such as `bff.fetch`. */
export type FetchHandler = (request: Request) => Promise<Response>;

/**
 * Adapts a fetch-style handler to Node's `(req, res)` signature, for `node:http`, Express and
 * Connect. Mount it before any body parser (the handler reads and limits the body itself).
 * Express strips the mount path from `req.url`; `req.originalUrl` is used when present so the
 * handler sees the full path.
 *
 * @example
 * app.use('/api/commerce-sync', toNodeHandler(bff.fetch));
 */
export function toNodeHandler(handler: FetchHandler): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void (async () => {
      const host = req.headers.host ?? 'localhost';
      const encrypted = (req.socket as { encrypted?: boolean }).encrypted === true;
      const forwardedProto = String(req.headers['x-forwarded-proto'] ?? '').split(',')[0]?.trim();
      const protocol = forwardedProto === 'https' || encrypted ? 'https' : 'http';
      const path = (req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url ?? '/';
      const headers = new Headers();
      for (const [name, value] of Object.entries(req.headers)) {
        if (value === undefined) continue;
        if (Array.isArray(value)) for (const v of value) headers.append(name, v);
        else headers.set(name, value);
      }
      const method = req.method ?? 'GET';
      const hasBody = method !== 'GET' && method !== 'HEAD';
      const request = new Request(`${protocol}://${host}${path}`, {
        method,
        headers,
        ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream<Uint8Array>, duplex: 'half' } : {}),
      } as RequestInit);

      const response = await handler(request);
      const outgoing: Record<string, string | string[]> = {};
      response.headers.forEach((value, name) => {
        outgoing[name] = value;
      });
      const cookies = response.headers.getSetCookie();
      if (cookies.length > 0) outgoing['set-cookie'] = cookies;
      res.writeHead(response.status, outgoing);
      if (!response.body || method === 'HEAD') {
        res.end();
        return;
      }
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) res.write(chunk);
      res.end();
    })().catch((error: unknown) => {
      console.error('[commerce-sync bff] node adapter failure', error);
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain', 'cache-control': 'no-store' });
      res.end();
    });
  };
}
