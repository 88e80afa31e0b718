import net from 'node:net';

/** A TCP proxy in front of a server that can swallow every packet both ways: a network partition. */
export interface PartitionProxy {
  /** The proxy's address, `127.0.0.1:<port>`. */
  readonly host: string;
  /** While true, nothing passes either way, and no connection is reset: the peers just hear nothing. */
  swallow: boolean;
  close(): Promise<void>;
}

/** Starts a {@link PartitionProxy} on an ephemeral port of 127.0.0.1 in front of `target` (`host:port`). */
export async function startPartitionProxy(target: {
  hostname: string;
  port: number;
}): Promise<PartitionProxy> {
  const sockets = new Set<net.Socket>();
  const proxy: PartitionProxy & { server: net.Server } = {
    host: '',
    swallow: false,
    server: net.createServer((client) => {
      const server = net.connect(target.port, target.hostname);
      for (const [from, to] of [
        [client, server],
        [server, client],
      ] as const) {
        sockets.add(from);
        from.on('data', (chunk) => {
          if (!proxy.swallow) to.write(chunk);
        });
        from.on('error', () => from.destroy());
        from.on('close', () => {
          sockets.delete(from);
          to.destroy();
        });
      }
    }),
    async close() {
      proxy.swallow = false;
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => proxy.server.close(resolve));
    },
  };
  await new Promise<void>((resolve) => proxy.server.listen(0, '127.0.0.1', resolve));
  (proxy as { host: string }).host = `127.0.0.1:${(proxy.server.address() as net.AddressInfo).port}`;
  return proxy;
}

/** `url` (a database URL, say) with its host and port replaced by the proxy's. */
export function viaProxy(url: string, proxy: PartitionProxy): string {
  const via = new URL(url);
  via.host = proxy.host;
  return via.toString();
}
