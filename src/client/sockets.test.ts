import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { startTestPlatform, type TestPlatform } from '../../test/support/platform.ts';
import { moveOrder, openShop, paidOrderAt } from '../../test/support/shop.ts';
import { waitFor } from '../../test/support/wait.ts';
import { seedDriverProfile } from '../modules/drivers/index.ts';
import { closeSockets, openSocket } from '../../test/support/socket-client.ts';
import { handshake } from './socket-core.ts';
import {
  ChannelRefusal,
  createLastmileClient,
  unwrap,
  openDriverChannel,
  openOpsCitySocket,
  openStoreOrdersSocket,
  type OpsCityMessage,
  type OpsCitySocket,
  openTrackingSocket,
  type StoreOrdersMessage,
  type StoreOrdersSocket,
  SUBPROTOCOL,
  type TrackingMessage,
  type TrackingSocket,
  type WebSocketClass,
} from './index.ts';

let t: TestPlatform;
let base: string;
let customer: string;
beforeAll(async () => {
  t = await startTestPlatform({ listen: true });
  base = t.platform.url as string;
  customer = await t.tokenFor('customer');
});
afterAll(async () => {
  await t?.stop();
});

/** The `ws` class, keeping every socket it makes so a test can cut one. */
function recordingWebSocket() {
  const made: Array<{ url: string; ws: WebSocket }> = [];
  class Recorded extends WebSocket {
    constructor(url: string, protocols?: string | string[], options?: object) {
      super(url, protocols, options);
      made.push({ url, ws: this });
    }
  }
  return { made, WebSocket: Recorded as unknown as WebSocketClass };
}

/** What a test reads of a socket's events. */
interface Observed<M> {
  on(event: 'message', fn: (m: M) => void): () => void;
  on(event: 'open', fn: (o: { reconnected: boolean }) => void): () => void;
}

/** A socket opened on a recording WebSocket with quick reconnects, keeping what it got. */
function recorded<M, S extends Observed<M>>(
  open: (o: {
    reconnect: { minDelayMs: number; maxDelayMs: number };
    WebSocket: WebSocketClass;
  }) => S,
) {
  const { made, WebSocket: Recorded } = recordingWebSocket();
  const seen: M[] = [];
  const opens: boolean[] = [];
  const socket = open({ reconnect: { minDelayMs: 10, maxDelayMs: 50 }, WebSocket: Recorded });
  socket.on('message', (m) => seen.push(m));
  socket.on('open', (o) => opens.push(o.reconnected));
  return { socket, made, seen, opens };
}

async function placedOrder() {
  const shop = await openShop(t, { stock: [10], lat: 45 + Math.random(), lng: 7 });
  const { id } = await paidOrderAt(t, shop, { token: customer, address: 'Door 3' });
  const step = (s: 'accept' | 'preparing') => moveOrder(t, shop, id, s);
  return { id, step, storeId: shop.storeId, storeToken: shop.storeToken };
}

const logSeqs = (seen: TrackingMessage[]) =>
  seen.flatMap((m) => (m.type === 'status' || m.type === 'eta' ? [m.seq] : []));

describe('the tracking socket', () => {
  it('resumes after a drop from the last seq it saw: no gap, no repeat', async () => {
    const order = await placedOrder();
    const { socket, made, seen, opens } = recorded<TrackingMessage, TrackingSocket>((o) =>
      openTrackingSocket({
        ...o,
        baseUrl: base,
        orderId: order.id,
        auth: { token: customer, via: 'header' },
      }),
    );
    try {
      await socket.opened;
      await order.step('accept');
      await waitFor(() => seen.some((m) => m.type === 'status' && m.status === 'accepted'));
      const before = socket.lastSeq;
      made[0]?.ws.terminate();
      await waitFor(() => opens.length === 2, 10_000, 'reconnected');
      expect(opens).toEqual([false, true]);
      expect(made[1]?.url).toContain(`after=${before}`);
      await order.step('preparing');
      await waitFor(() => seen.some((m) => m.type === 'status' && m.status === 'preparing'));
      const seqs = logSeqs(seen);
      expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
      expect(new Set(seqs).size).toBe(seqs.length);
      expect(seqs[0]).toBe(1);
      expect(seqs.at(-1)).toBe(seqs.length);
      expect(seen.filter((m) => m.type === 'snapshot')).toHaveLength(2);
    } finally {
      socket.close();
    }
  });

  it('starts after a cursor an earlier socket left', async () => {
    const order = await placedOrder();
    const seen: TrackingMessage[] = [];
    const first = openTrackingSocket({
      baseUrl: base,
      orderId: order.id,
      auth: { token: customer },
    });
    first.on('message', (m) => seen.push(m));
    await first.opened;
    await order.step('accept');
    await waitFor(() => seen.some((m) => m.type === 'status' && m.status === 'accepted'));
    const cursor = first.lastSeq;
    first.close();
    await order.step('preparing');
    const later: TrackingMessage[] = [];
    const second = openTrackingSocket({
      baseUrl: base,
      orderId: order.id,
      auth: { token: customer },
      after: cursor,
    });
    second.on('message', (m) => later.push(m));
    try {
      await waitFor(() => later.some((m) => m.type === 'status' && m.status === 'preparing'));
      expect(later[0]?.type).toBe('snapshot');
      expect(logSeqs(later).every((s) => s > cursor)).toBe(true);
      expect(second.lastSeq).toBeGreaterThan(cursor);
    } finally {
      second.close();
    }
  });

  it('gives up, without retrying, when the server refuses the caller', async () => {
    const { made, WebSocket: Recorded } = recordingWebSocket();
    const socket = openTrackingSocket({
      baseUrl: base,
      orderId: uuidv7(),
      auth: { token: 'not-a-token' },
      reconnect: { minDelayMs: 1 },
      WebSocket: Recorded,
    });
    await expect(socket.opened).rejects.toThrow(/HTTP 401/);
    expect(made).toHaveLength(1);
  });
});

describe('socket sign-in as a browser does it', () => {
  it('opens with the bearer subprotocol, and with a single-use ticket asked for each time', async () => {
    const viaProtocol = openDriverChannel({
      baseUrl: base,
      auth: { token: await t.tokenFor('driver'), via: 'protocol' },
    });
    const api = createLastmileClient({ baseUrl: base, token: await t.tokenFor('driver') });
    const issued: string[] = [];
    const viaTicket = openDriverChannel({
      baseUrl: base,
      auth: {
        ticket: async () => {
          const { ticket } = await unwrap(api.POST('/v1/realtime/tickets', { body: {} }));
          issued.push(ticket);
          return ticket;
        },
      },
    });
    try {
      await viaProtocol.opened;
      await viaTicket.opened;
      await expect(viaProtocol.ping()).resolves.toBeUndefined();
      await expect(viaTicket.ping()).resolves.toBeUndefined();
      expect(issued).toHaveLength(1);
    } finally {
      viaProtocol.close();
      viaTicket.close();
    }
  });
});

describe("the store's order stream", () => {
  it('starts from a snapshot and resumes after a drop from the last seq: no gap, no repeat', async () => {
    const order = await placedOrder();
    const { socket, made, seen, opens } = recorded<StoreOrdersMessage, StoreOrdersSocket>((o) =>
      openStoreOrdersSocket({
        ...o,
        baseUrl: base,
        storeId: order.storeId,
        auth: { token: order.storeToken, via: 'protocol' },
      }),
    );
    try {
      await socket.opened;
      // The order was paid before the socket opened: in the snapshot or as the log's first message.
      await waitFor(() => socket.lastSeq === 1, 10_000, 'the paid order');
      await order.step('accept');
      await waitFor(() => seen.some((m) => m.type === 'order' && m.status === 'accepted'));
      made[0]?.ws.terminate();
      await order.step('preparing');
      await waitFor(() => opens.length === 2, 10_000, 'reconnected');
      expect(made[1]?.url).toContain('after=2');
      await waitFor(() => seen.some((m) => m.type === 'order' && m.status === 'preparing'));
      const log = seen.flatMap((m) => (m.type === 'order' && m.seq > 1 ? [[m.seq, m.status]] : []));
      expect(log).toEqual([
        [2, 'accepted'],
        [3, 'preparing'],
      ]);
      expect(seen.filter((m) => m.type === 'snapshot')).toHaveLength(1);
      expect(socket.lastSeq).toBe(3);
    } finally {
      socket.close();
    }
  });
});

describe("ops' live city socket", () => {
  it('resumes after a drop within its epoch: the frames missed, no second snapshot', async () => {
    const ops = await t.tokenFor('ops');
    // Another console keeps the city followed, so the server keeps its epoch across the drop.
    const keeper = await openSocket(base, '/v1/ops/city/live', {
      headers: { authorization: `Bearer ${ops}` },
    });
    expect(keeper.ok).toBe(true);
    const { socket, made, seen, opens } = recorded<OpsCityMessage, OpsCitySocket>((o) =>
      openOpsCitySocket({ ...o, baseUrl: base, auth: { token: ops, via: 'header' } }),
    );
    const ordersIn = (id: string) =>
      seen.some((m) => m.type === 'frame' && m.orders?.upsert.some((x) => x.id === id));
    try {
      await socket.opened;
      await waitFor(() => socket.epoch !== null, 10_000, 'the snapshot');
      const first = await placedOrder();
      await waitFor(() => ordersIn(first.id), 10_000, 'the first order');
      const { epoch, lastSeq } = socket;
      made[0]?.ws.terminate();
      const second = await placedOrder();
      await waitFor(() => ordersIn(second.id), 10_000, 'the order placed meanwhile');
      expect(opens).toEqual([false, true]);
      expect(made[1]?.url).toContain(`after=${lastSeq}&epoch=${epoch}`);
      expect(seen.filter((m) => m.type === 'snapshot')).toHaveLength(1);
      const seqs = seen.flatMap((m) => (m.type === 'frame' ? [m.seq] : []));
      expect(seqs).toEqual(seqs.map((_, i) => (seqs[0] as number) + i));
      expect(socket.epoch).toBe(epoch);
    } finally {
      socket.close();
      closeSockets();
    }
  });
});

describe('the driver channel', () => {
  it('uploads locations and pings, matching each answer to its request', async () => {
    const id = uuidv7();
    await seedDriverProfile(t.platform.ctx, { id, name: 'Channel driver', vehicle: 'bike' });
    const { token } = await t.platform.ctx.tokens.issue({
      userId: id,
      role: 'driver',
      driverId: id,
    });
    const channel = openDriverChannel({ baseUrl: base, auth: { token } });
    try {
      await channel.opened;
      const now = new Date().toISOString();
      const ack = await channel.sendLocations([{ lat: 52.5, lng: 13.4, recorded_at: now }]);
      expect(ack).toMatchObject({ type: 'ack', accepted: 1 });
      await expect(channel.ping()).resolves.toBeUndefined();
      const refused = await channel.sendLocations([]).catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(ChannelRefusal);
      expect((refused as ChannelRefusal).refusal.code).toBe('VALIDATION_FAILED');
    } finally {
      channel.close();
    }
  });
});

describe('socket credentials', () => {
  const at = 'http://api.test:8080';
  it('offers the bearer token as a subprotocol, a header, an API key or a fresh ticket', async () => {
    const protocol = await handshake(at, '/v1/x?after=2', { token: 'jwt', via: 'protocol' });
    expect(protocol).toEqual({
      url: 'ws://api.test:8080/v1/x?after=2',
      protocols: [SUBPROTOCOL, 'bearer.jwt'],
      headers: {},
    });
    const header = await handshake(at, '/v1/x', { token: 'jwt', via: 'header' });
    expect(header.headers).toEqual({ authorization: 'Bearer jwt' });
    expect(header.protocols).toEqual([SUBPROTOCOL]);
    const key = await handshake('https://api.test', '/v1/x', { apiKey: 'lm_a_b' });
    expect(key).toMatchObject({ url: 'wss://api.test/v1/x', headers: { 'x-api-key': 'lm_a_b' } });
    let n = 0;
    const auth = { ticket: async () => `t${++n}` };
    expect((await handshake(at, '/v1/x?after=1', auth)).url).toBe(
      'ws://api.test:8080/v1/x?after=1&ticket=t1',
    );
    expect((await handshake(at, '/v1/x', auth)).url).toBe('ws://api.test:8080/v1/x?ticket=t2');
  });
});
