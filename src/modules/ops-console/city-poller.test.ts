import { uuidv7 } from 'uuidv7';
import { describe, expect, it, vi } from 'vitest';
import { waitFor } from '../../../test/support/wait.ts';
import type { GeoHit, GeoIndex } from '../../platform/geo/port.ts';
import { createLogger } from '../../platform/observability/logger.ts';
import { type CityCursor, cityPoller, type Sent } from './city-poller.ts';
import { CITY_LIMIT, type CitySources } from './city-state.ts';

// The live city's poller against a city in memory: what it keeps for resumes, and what it asks
// the modules for. Against the real modules and sockets: city-live.test.ts.

const logger = createLogger('silent');

/** `n` drivers on shift by one store, every one a step further north at each read. */
function movingCity(n: number) {
  const ids = Array.from({ length: n }, () => uuidv7());
  const points = new Map<string, GeoHit>(
    ids.map((id, i) => [id, { id, lat: 53.5 + i * 1e-4, lng: 10, at: Date.now(), distanceM: 0 }]),
  );
  const asked = { online: [] as number[], trips: [] as number[], positions: [] as number[] };
  const src: CitySources = {
    clock: { now: () => Date.now() },
    settings: { tickMs: 5, stateMs: 60_000, backlog: 10 },
    staleS: 3600,
    marginM: 10_000,
    positions: {
      search: async (q: { limit?: number }) => {
        asked.positions.push(q.limit ?? 0);
        for (const p of points.values()) p.lat += 1e-5;
        return [...points.values()].map((p) => ({ ...p }));
      },
    } as unknown as GeoIndex,
    online: async (limit) => {
      asked.online.push(limit);
      return ids.map((id) => ({ id, name: 'Driver', vehicle: 'bike', status: 'available' }));
    },
    trips: async (limit) => {
      asked.trips.push(limit);
      return [];
    },
    orders: async () => [],
    stores: async () => [{ id: uuidv7(), name: 'Store', lat: 53.5, lng: 10, status: 'open' }],
  };
  return { src, asked };
}

const seqOf = (m: Sent) => (JSON.parse(m.text) as { seq: number }).seq;
const typeOf = (m: Sent) => (JSON.parse(m.text) as { type: string }).type;

/** A member that has joined (the city read), to be started at a cursor. */
async function joined(poller: ReturnType<typeof cityPoller>) {
  const member = poller.join();
  await member.ready;
  const got = { first: [] as Sent[], next: [] as Sent[], member };
  const start = (cursor: CityCursor) =>
    member.start(
      cursor,
      (m) => got.first.push(m),
      (m) => got.next.push(m),
    );
  return { ...got, start };
}

describe("the live city's poller", () => {
  it('keeps frames for resumes within its byte cap; an older cursor gets a snapshot', async () => {
    const cap = 100_000;
    const { src } = movingCity(200);
    const poller = cityPoller(src, logger, { ringBytes: cap });
    const a = await joined(poller);
    a.start({ after: 0 });
    try {
      const snapshot = a.first[0] as Sent;
      expect(typeOf(snapshot)).toBe('snapshot');
      const epoch = (snapshot.message as { epoch: string }).epoch;
      const capHeld: boolean[] = [];
      // Every frame is ~16 kB (200 positions): the cap, not the minute, bounds the ring.
      await waitFor(() => {
        capHeld.push(poller.held().bytes <= cap);
        return a.next.length >= 30;
      });
      const within = await joined(poller);
      const before = await joined(poller);
      // From here to the starts nothing awaits: no frame comes in between.
      const held = poller.held();
      expect(capHeld.every(Boolean)).toBe(true);
      expect(held.bytes).toBeLessThanOrEqual(cap);
      expect(held.frames).toBeGreaterThan(1);
      expect(held.frames).toBeLessThan(10);
      expect((a.next[0] as Sent).text.length * held.frames).toBeGreaterThan(cap / 2);
      // Resuming from the oldest frame kept: the frames after it. One before: a snapshot.
      const newest = seqOf(a.next.at(-1) as Sent);
      const oldest = newest - held.frames + 1;
      within.start({ epoch, after: oldest - 1 });
      before.start({ epoch, after: oldest - 2 });
      expect(within.first.map(seqOf)).toEqual(
        Array.from({ length: newest - oldest + 1 }, (_, i) => oldest + i),
      );
      // Kept as number and text only.
      expect(within.first.every((m) => Object.keys(m).sort().join() === 'seq,text')).toBe(true);
      expect(before.first.map(typeOf)).toEqual(['snapshot']);
      for (const m of [a, within, before]) m.member.leave();
    } finally {
      await poller.stop();
    }
  });

  it('serializes a snapshot once for every socket that starts at its seq', async () => {
    const { src } = movingCity(50);
    const poller = cityPoller(src, logger);
    const [a, b, c] = [await joined(poller), await joined(poller), await joined(poller)];
    const members = [a, b, c];
    try {
      a.start({ after: 0 });
      const stringify = vi.spyOn(JSON, 'stringify');
      try {
        b.start({ after: 0 });
        c.start({ after: 0, epoch: 'another' });
        expect(stringify).not.toHaveBeenCalled();
      } finally {
        stringify.mockRestore();
      }
      const texts = members.map((m) => m.first.map((x) => x.text));
      expect(texts[1]).toEqual(texts[0]);
      expect(texts[2]).toEqual(texts[0]);
      expect(typeOf(a.first[0] as Sent)).toBe('snapshot');
      // The next frame makes another snapshot.
      await waitFor(() => a.next.length > 0);
      const later = await joined(poller);
      later.start({ after: 0 });
      expect(seqOf(later.first[0] as Sent)).toBe(seqOf(a.next.at(-1) as Sent));
      members.push(later);
    } finally {
      for (const m of members) m.member.leave();
      await poller.stop();
    }
  });

  it('ends a run whose first read failed: the next member starts afresh', async () => {
    const { src } = movingCity(3);
    const online = src.online;
    let down = true;
    src.online = async (limit) => {
      if (down) throw new Error('the drivers cannot be read');
      return online(limit);
    };
    const poller = cityPoller(src, logger);
    const failed = poller.join();
    await expect(failed.ready).rejects.toThrow('cannot be read');
    expect(poller.running()).toBe(false);
    down = false;
    const next = await joined(poller);
    try {
      next.start({ after: 0 });
      expect(next.first.map(typeOf)).toEqual(['snapshot']);
      // The failed member leaves later (its socket closing): the new run goes on.
      failed.leave();
      expect(poller.running()).toBe(true);
    } finally {
      next.member.leave();
      await poller.stop();
    }
  });

  it('asks the modules for at most a city of drivers, trips and positions', async () => {
    const { src, asked } = movingCity(3);
    const poller = cityPoller(src, logger);
    const a = await joined(poller);
    a.start({ after: 0 });
    a.member.leave();
    await poller.stop();
    expect(asked.online).toEqual([CITY_LIMIT]);
    expect(asked.trips).toEqual([CITY_LIMIT]);
    expect(asked.positions[0]).toBe(CITY_LIMIT);
  });
});
