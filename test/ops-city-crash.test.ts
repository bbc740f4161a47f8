import { afterAll, expect, it } from 'vitest';
import { DEMO_USERS } from '../src/cli/demo-seed.ts';
import { type OpsCityMessage, openOpsCitySocket } from '../src/client/index.ts';
import { type FailoverProxy, failoverProxy } from './support/failover-proxy.ts';
import { waitFor } from './support/platform.ts';
import { type DemoDeployment, httpClient, startDemoDeployment } from './support/processes.ts';
import { describeWithServices, natsUrl, redisUrl, testNamespace } from './support/services.ts';
import { ALWAYS_OPEN } from './support/shop.ts';

/**
 * kill -9 of an API process while ops follow the live city through it: the console's client (the
 * SDK behind a balancer) reconnects to the process that survived and starts again from its
 * snapshot, in that process's epoch (the dead one's frames are gone with it); a follower of the
 * survivor sees no gap; and once both close, the survivor holds nothing of them: its reads stop.
 */
const AT = { lat: 52.5, lng: 13.4 };
const email = (role: string) =>
  (DEMO_USERS.find((u) => u.role === role) as { email: string }).email;

/** A follower of the live city through the SDK: what it got, and each time it opened. */
function follow(baseUrl: string, token: string, cursor: { after?: number; epoch?: string } = {}) {
  const socket = openOpsCitySocket({
    baseUrl,
    auth: { token },
    reconnect: { minDelayMs: 100, maxDelayMs: 1000 },
    ...cursor,
  });
  const messages: OpsCityMessage[] = [];
  const opens: boolean[] = [];
  socket.on('message', (m) => messages.push(m));
  socket.on('open', (o) => opens.push(o.reconnected));
  const snapshots = () => messages.filter((m) => m.type === 'snapshot');
  const frames = () => messages.flatMap((m) => (m.type === 'frame' ? [m] : []));
  return { socket, messages, opens, snapshots, frames };
}
type Follower = ReturnType<typeof follow>;

/** The driver reports a position a little further north every 200 ms until `stop()`. */
function keepMoving(client: ReturnType<typeof httpClient>, driver: string) {
  let running = true;
  const loop = (async () => {
    for (let step = 1; running; step++) {
      const point = { lat: AT.lat + step * 0.00005, lng: AT.lng, recorded_at: new Date() };
      await client.call('POST', '/v1/drivers/me/locations', driver, { points: [point] });
      await new Promise((r) => setTimeout(r, 200));
    }
  })();
  return async () => {
    running = false;
    await loop;
  };
}

/** Frames numbered without a gap, all of one epoch. */
function unbroken(f: Follower, epoch: string) {
  const seqs = f.frames().map((m) => m.seq);
  expect(seqs).toEqual(seqs.map((_, i) => (seqs[0] as number) + i));
  expect(new Set(f.frames().map((m) => m.epoch))).toEqual(new Set([epoch]));
}

describeWithServices(
  'the live city when an API process dies',
  { nats: natsUrl(), redis: redisUrl() },
  () => {
    let deployment: DemoDeployment | undefined;
    let proxy: FailoverProxy | undefined;
    let stopMoving = async () => {};
    const followers: Follower[] = [];
    afterAll(async () => {
      for (const f of followers) f.socket.close();
      await stopMoving();
      await proxy?.close();
      await deployment?.stop();
    });

    it('the client resumes on the survivor from a snapshot; the survivor keeps nothing of it', async () => {
      const env = {
        LASTMILE_NAMESPACE: testNamespace('occ'),
        LASTMILE_OPS_CITY_TICK_MS: '100',
        LASTMILE_OPS_CITY_STATE_MS: '300',
      };
      deployment = await startDemoDeployment(env, { apis: 2, workers: 0, timeoutMs: 90_000 });
      const [first, survivor] = deployment.apis as [string, string];
      const client = httpClient(survivor);
      const ops = await client.login(email('ops'));
      const driver = await client.login(email('driver'));
      // A store puts the map somewhere; the driver on shift beside it moves all along.
      const store = await client.call('POST', '/v1/stores', ops, {
        name: 'Crash city store',
        ...AT,
        zone: { radius_m: 5000 },
        opening_hours: ALWAYS_OPEN,
      });
      expect(store.status).toBe(201);
      const shift = await client.call('PUT', '/v1/drivers/me/shift', driver, {
        status: 'available',
      });
      expect(shift.status).toBe(200);
      stopMoving = keepMoving(client, driver);

      // The console's client goes through the balancer to the first process; another follows the
      // survivor directly. Each process reads the city for its own sockets, in an epoch of its own.
      proxy = await failoverProxy([first, survivor]);
      const ours = follow(proxy.url, ops);
      const other = follow(survivor, ops);
      followers.push(ours, other);
      const frameAfterSnapshot = (f: Follower) => f.snapshots().length > 0 && f.frames().length > 0;
      await waitFor(() => frameAfterSnapshot(ours) && frameAfterSnapshot(other), 20_000, 'frames');
      const deadEpoch = ours.snapshots()[0]?.epoch as string;
      const epoch = other.snapshots()[0]?.epoch as string;
      expect(deadEpoch).not.toBe(epoch);

      await deployment.procs.get('api-1')?.crash();
      await waitFor(() => ours.snapshots().length === 2, 20_000, 'a snapshot after the crash');
      const [, again] = ours.snapshots();
      expect(again?.epoch).toBe(epoch);
      expect(ours.opens).toEqual([false, true]);
      // It asked the survivor to resume after the last frame it had, in the dead process's epoch:
      // the survivor does not hold those, so it answered with its own snapshot.
      const before = ours.messages.indexOf(again as OpsCityMessage);
      const last = ours.messages.slice(0, before).findLast((m) => m.type === 'frame');
      expect(last?.epoch).toBe(deadEpoch);
      expect(proxy.requests()).toEqual([
        'GET /v1/ops/city/live HTTP/1.1',
        `GET /v1/ops/city/live?after=${last?.seq}&epoch=${deadEpoch} HTTP/1.1`,
      ]);
      // Then frames of the survivor's epoch, the driver moving in them.
      const moving = (m: OpsCityMessage) =>
        m.type === 'frame' && m.epoch === epoch && (m.positions?.upsert.length ?? 0) > 0;
      await waitFor(() => ours.messages.slice(before).some(moving), 10_000, 'the driver moving');
      const afterward = ours.messages.slice(before + 1).filter((m) => m.type !== 'heartbeat');
      expect(afterward.every((m) => m.type === 'frame' && m.epoch === epoch)).toBe(true);
      expect(ours.socket.epoch).toBe(epoch);
      // The survivor's own follower never noticed.
      expect(other.opens).toEqual([false]);
      expect(other.snapshots()).toHaveLength(1);
      unbroken(other, epoch);

      // Both close: the survivor's reads stop with its last socket (a socket left behind would keep
      // them, and its epoch, alive), and the balancer holds no connection.
      const cursor = { after: other.socket.lastSeq, epoch };
      ours.socket.close();
      other.socket.close();
      await waitFor(() => proxy?.open() === 0, 10_000, 'the balancer emptied');
      await waitFor(
        async () => {
          const probe = follow(survivor, ops, cursor);
          try {
            const m = await waitFor(() => probe.messages[0], 10_000, 'the first message');
            return m.type === 'snapshot' && m.epoch !== epoch ? m : null;
          } finally {
            probe.socket.close();
          }
        },
        20_000,
        "the survivor's reads stopped",
      );
    }, 240_000);
  },
);
