import net from 'node:net';

/** A TCP balancer in front of API processes, and the connections it holds now. */
export interface FailoverProxy {
  url: string;
  /** Connections open through it now (each client's, each backend's). */
  open(): number;
  /** The first line each client sent (an HTTP request line), in the order they connected. */
  requests(): string[];
  close(): Promise<void>;
}

/**
 * A TCP balancer in front of several API processes, as a deployment has one: each connection goes
 * to the first backend that accepts it, so when a process dies, the clients that reconnect land
 * on one still up. When either side of a connection closes, the other is cut too.
 */
export async function failoverProxy(backends: readonly string[]): Promise<FailoverProxy> {
  const sockets = new Set<net.Socket>();
  const requests: string[] = [];
  const track = (s: net.Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
    // A reset is a close like any other here; the pair is cut below.
    s.on('error', () => s.destroy());
  };
  const server = net.createServer((client) => {
    track(client);
    client.pause();
    const connectTo = (i: number) => {
      const backend = backends[i];
      if (!backend || client.destroyed) return void client.destroy();
      const { hostname, port } = new URL(backend);
      const upstream = net.connect(Number(port), hostname);
      const refused = () => connectTo(i + 1);
      upstream.once('error', refused);
      upstream.once('connect', () => {
        upstream.off('error', refused);
        track(upstream);
        if (client.destroyed) return void upstream.destroy();
        upstream.on('close', () => client.destroy());
        client.on('close', () => upstream.destroy());
        client.once('data', (chunk: Buffer) => requests.push(String(chunk).split('\r\n')[0] ?? ''));
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
    };
    connectTo(0);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    open: () => sockets.size,
    requests: () => [...requests],
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
