import { describe, expect, it } from 'vitest';
import {
  LocationQueue,
  MAX_BATCH,
  type QueueStorage,
} from '../../web/apps/driver/live/location-queue.ts';

// The driver app's position queue: oldest first, in batches the API takes, nothing lost when a
// send fails, and kept across a reload.

const memory = (): QueueStorage & { data: Map<string, string> } => {
  const data = new Map<string, string>();
  return {
    data,
    getItem: (k) => data.get(k) ?? null,
    setItem: (k, v) => void data.set(k, v),
    removeItem: (k) => void data.delete(k),
  };
};
const fix = (i: number) => ({
  lat: 52.5 + i / 1e5,
  lng: 13.4,
  recorded_at: new Date(Date.UTC(2026, 11, 6, 18, 0, i)).toISOString(),
});

describe('the driver app position queue', () => {
  it('sends oldest first in batches of at most 100 and keeps a failed batch for later', async () => {
    const q = new LocationQueue(memory(), 'points');
    for (let i = 0; i < 250; i++) q.add(fix(i));
    const sent: string[][] = [];
    let fail = true;
    const send = async (batch: ReturnType<typeof fix>[]) => {
      if (sent.length === 1 && fail) {
        fail = false;
        throw new Error('offline');
      }
      sent.push(batch.map((p) => p.recorded_at));
    };
    expect(await q.flush(send)).toBe(false);
    expect(q.size).toBe(150);
    expect(await q.flush(send)).toBe(true);
    expect(q.size).toBe(0);
    expect(sent.map((b) => b.length)).toEqual([MAX_BATCH, MAX_BATCH, 50]);
    const all = sent.flat();
    expect(all).toEqual([...all].sort());
    expect(new Set(all).size).toBe(250);
  });

  it('leaves out a repeated fix and keeps the queue across a reload', () => {
    const storage = memory();
    const q = new LocationQueue(storage, 'points');
    expect(q.add(fix(1))).toBe(true);
    expect(q.add(fix(1))).toBe(false);
    expect(q.add(fix(0))).toBe(false);
    expect(q.add(fix(2))).toBe(true);
    const again = new LocationQueue(storage, 'points');
    expect(again.pending().map((p) => p.recorded_at)).toEqual(
      [fix(1), fix(2)].map((p) => p.recorded_at),
    );
  });

  it('joins a flush already running instead of sending the same batch twice', async () => {
    const q = new LocationQueue(null, 'points');
    q.add(fix(1));
    let calls = 0;
    const send = async () => {
      calls++;
      await new Promise((ok) => setTimeout(ok, 10));
    };
    await Promise.all([q.flush(send), q.flush(send)]);
    expect(calls).toBe(1);
  });
});
