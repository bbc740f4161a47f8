import http from 'node:http';
import { type WebSocket, WebSocketServer } from 'ws';

/**
 * The tracking benchmark's baseline: a bare `ws` server fanning positions out, with no auth, no
 * bus, no database. `POST /drivers/:id/locations` takes the same body as ours and sends the newest
 * point, as ours does, to every socket open on `/orders/:order/track` of that driver's order.
 */
export async function startBareFanout(
  orderOfDriver: ReadonlyMap<string, string>,
): Promise<{ base: string; close: () => Promise<void> }> {
  const subscribers = new Map<string, Set<WebSocket>>();
  const server = http.createServer((req, res) => {
    const driverId = /^\/drivers\/([^/]+)\/locations$/.exec(req.url ?? '')?.[1];
    const orderId = driverId ? orderOfDriver.get(driverId) : undefined;
    if (req.method !== 'POST' || !orderId) {
      res.writeHead(404).end();
      return;
    }
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (d: string) => (body += d));
    req.on('end', () => {
      const points = (JSON.parse(body) as { points: Array<Record<string, unknown>> }).points;
      const p = points.at(-1) ?? {};
      const message = JSON.stringify({
        type: 'position',
        order_id: orderId,
        lat: p.lat,
        lng: p.lng,
        at: p.recorded_at,
      });
      for (const ws of subscribers.get(orderId) ?? []) ws.send(message);
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  const wss = new WebSocketServer({ noServer: true });
  server.on('upgrade', (req, socket, head) => {
    const orderId = /^\/orders\/([^/]+)\/track$/.exec(req.url ?? '')?.[1];
    if (!orderId) return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => {
      const set = subscribers.get(orderId) ?? new Set<WebSocket>();
      subscribers.set(orderId, set.add(ws));
      ws.on('close', () => set.delete(ws));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    base: `http://127.0.0.1:${port}`,
    close: async () => {
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
