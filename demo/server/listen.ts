import type { RequestListener, Server } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** Where a server should listen: a port and whether another free port may be used instead. */
export interface PortRequest {
  /** Port to try first; `0` asks the OS for any free port. */
  port: number;
  /** When true, a busy port is an error (the user asked for exactly this port). */
  strict: boolean;
}

/** A listening HTTP server that can be closed completely, idle keep-alive sockets included. */
export interface ListeningServer {
  server: Server;
  port: number;
  /** `http://host:port` without a trailing slash. */
  url: string;
  close(): Promise<void>;
}

/**
 * Reads a port request from an environment variable: set means strict, unset falls back to
 * `fallback` with free-port fallback. Throws a message saying what to fix on bad input.
 *
 * @example portFromEnv(process.env, 'PORT', 5173) // { port: 5173, strict: false } when PORT is unset
 */
export function portFromEnv(env: NodeJS.ProcessEnv, name: string, fallback: number): PortRequest {
  const raw = env[name];
  if (raw === undefined || raw.trim() === '') return { port: fallback, strict: false };
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`${name}=${raw} is not a port number. Use an integer from 0 to 65535 (0 picks any free port).`);
  }
  return { port, strict: true };
}

/**
 * Starts an HTTP server on `host`, on the requested port or, when that port is taken and the
 * request is not strict, on a free port the OS picks.
 */
export async function listen(listener: RequestListener, host: string, request: PortRequest): Promise<ListeningServer> {
  const server = createServer(listener);
  const sockets = new Set<Socket>();
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  try {
    await tryListen(server, host, request.port);
  } catch (error) {
    if (!isAddressInUse(error)) throw error;
    if (request.strict) {
      throw new Error(`Port ${request.port} on ${host} is already in use. Stop whatever uses it, or choose another port (0 picks any free port).`);
    }
    await tryListen(server, host, 0);
  }
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | null = null;
  return {
    server,
    port,
    url: `http://${urlHost}:${port}`,
    close() {
      closing ??= new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Browsers keep idle connections open; without this, close() waits for their timeout.
        server.closeIdleConnections();
        const force = setTimeout(() => {
          for (const socket of sockets) socket.destroy();
        }, 1500);
        force.unref();
      });
      return closing;
    },
  };
}

function tryListen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = () => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen(port, host);
  });
}

function isAddressInUse(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'EADDRINUSE';
}
