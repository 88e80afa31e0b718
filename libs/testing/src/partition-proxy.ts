import net from 'node:net';

/** A TCP proxy in front of a server that can swallow every packet both ways: a network partition. */
export interface PartitionProxy {
  /** The URL given, with its host and port replaced by the proxy's (`127.0.0.1:<ephemeral port>`). */
  readonly url: string;
  /** While true, nothing passes either way, and no connection is reset: the peers just hear nothing. */
  swallow: boolean;
  /**
   * While true the server's answers are held back (kept, in order) instead of passed on, and passed on once it is
   * set back to false: a slow link, for seeing what a client sends before it hears anything.
   */
  holdAnswers: boolean;
  /** Everything the clients sent the server so far, as latin1 text (a statement's SQL shows in it as written). */
  heard(): string;
  close(): Promise<void>;
}

/**
 * Starts a {@link PartitionProxy} in front of the server of `url` (a database URL, say). Unlike the fault suite's
 * proxy (devices/loadgen), which resets connections as a crashed server would, this one keeps them open and silent.
 */
export async function startPartitionProxy(url: string): Promise<PartitionProxy> {
  const target = new URL(url);
  const sockets = new Set<net.Socket>();
  const heard: Buffer[] = [];
  const held: { to: net.Socket; chunk: Buffer }[] = [];
  let holding = false;
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || 5432), target.hostname);
    for (const [from, to] of [
      [client, upstream],
      [upstream, client],
    ] as const) {
      sockets.add(from);
      from.on('data', (chunk: Buffer) => {
        if (proxy.swallow) return;
        if (from === client) heard.push(chunk);
        if (from === upstream && holding) held.push({ to, chunk });
        else to.write(chunk);
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
    get holdAnswers() {
      return holding;
    },
    set holdAnswers(hold: boolean) {
      holding = hold;
      if (!hold) for (const { to, chunk } of held.splice(0)) if (!to.destroyed) to.write(chunk);
    },
    heard: () => Buffer.concat(heard).toString('latin1'),
    async close() {
      proxy.swallow = false;
      proxy.holdAnswers = false;
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  return proxy;
}
