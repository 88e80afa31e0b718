import net from 'node:net';

/** A TCP proxy in front of a server that can swallow every packet both ways: a network partition. */
export interface PartitionProxy {
  /** The URL given, with its host and port replaced by the proxy's (`127.0.0.1:<ephemeral port>`). */
  readonly url: string;
  /** While true, nothing passes either way, and no connection is reset: the peers just hear nothing. */
  swallow: boolean;
  close(): Promise<void>;
}

/**
 * Starts a {@link PartitionProxy} in front of the server of `url` (a database URL, say). Unlike the fault suite's
 * proxy (devices/loadgen), which resets connections as a crashed server would, this one keeps them open and silent.
 */
export async function startPartitionProxy(url: string): Promise<PartitionProxy> {
  const target = new URL(url);
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
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
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const via = new URL(url);
  via.host = `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  const proxy: PartitionProxy = {
    url: via.toString(),
    swallow: false,
    async close() {
      proxy.swallow = false;
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  return proxy;
}
