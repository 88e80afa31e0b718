import { createConnection, createServer, type Server, type Socket } from 'node:net';

export interface TcpProxy {
  port: number;
  /** Resets every open connection and refuses (accepts and resets) new ones until {@link restore}. */
  cut(): number;
  restore(): void;
  close(): Promise<void>;
  /** Connections accepted and connections reset by a cut so far. */
  stats(): { accepted: number; reset: number; refused: number };
}

/**
 * A TCP proxy on a free loopback port in front of `target` (PostgreSQL on 127.0.0.1:5432): the services of
 * the distributed fault rounds connect through it, so a database outage is theirs alone — the real server,
 * which others use, is never stopped, and the suite's own checks connect to it directly.
 */
export async function startTcpProxy(targetHost: string, targetPort: number): Promise<TcpProxy> {
  const open = new Set<Socket>();
  let isCut = false;
  let accepted = 0;
  let reset = 0;
  let refused = 0;
  const server: Server = createServer((client) => {
    if (isCut) {
      refused += 1;
      hardClose(client);
      return;
    }
    accepted += 1;
    const upstream = createConnection({ host: targetHost, port: targetPort });
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    open.add(client);
    open.add(upstream);
    const end = () => {
      open.delete(client);
      open.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
    client.pipe(upstream);
    upstream.pipe(client);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    port,
    cut() {
      isCut = true;
      const n = open.size / 2;
      for (const socket of [...open]) {
        open.delete(socket);
        hardClose(socket);
      }
      reset += n;
      return n;
    },
    restore() {
      isCut = false;
    },
    stats: () => ({ accepted, reset, refused }),
    close() {
      for (const socket of open) socket.destroy();
      open.clear();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** RST, as a crashed server or a dropped link looks to the client; a plain destroy when RST is not possible. */
function hardClose(socket: Socket): void {
  try {
    socket.resetAndDestroy();
  } catch {
    socket.destroy();
  }
}
