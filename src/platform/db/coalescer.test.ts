import { describe, expect, it } from 'vitest';
import { coalescer } from './coalescer.ts';

/** A batch call that answers when told to, recording what each call was given. */
function gate<O>(answer: (batch: number[]) => Array<O | Error>) {
  const calls: number[][] = [];
  const open: Array<() => void> = [];
  const run = (batch: number[]) =>
    new Promise<Array<O | Error>>((resolve) => {
      calls.push(batch);
      open.push(() => resolve(answer(batch)));
    });
  const release = async () => {
    open.shift()?.();
    await new Promise((r) => setImmediate(r));
  };
  return { calls, run, release };
}

describe('coalescer', () => {
  it('sends a lone call at once and groups what arrives while a batch is in flight', async () => {
    const g = gate((b) => b.map((n) => n * 10));
    const call = coalescer(g.run, { max: 100 });
    const first = call(1);
    expect(g.calls).toEqual([[1]]);
    const rest = [call(2), call(3), call(4)];
    expect(g.calls).toHaveLength(1);
    await g.release();
    expect(g.calls).toEqual([[1], [2, 3, 4]]);
    await g.release();
    expect(await first).toBe(10);
    expect(await Promise.all(rest)).toEqual([20, 30, 40]);
  });

  it('refuses calls beyond its queue bound at once, as overload, and takes them again later', async () => {
    const g = gate((b) => b);
    const call = coalescer(g.run, { max: 2, maxQueued: 3 });
    const first = call(0);
    const queued = [call(1), call(2), call(3)];
    await expect(call(4)).rejects.toMatchObject({ code: 'OVERLOADED', retryAfterS: 1 });
    for (let i = 0; i < 3; i++) await g.release();
    expect(await first).toBe(0);
    expect(await Promise.all(queued)).toEqual([1, 2, 3]);
    const later = call(5);
    await g.release();
    expect(await later).toBe(5);
  });

  it('caps a batch at max and sends the rest in the next', async () => {
    const g = gate((b) => b);
    const call = coalescer(g.run, { max: 2 });
    const all = [call(1), call(2), call(3), call(4), call(5)];
    for (let i = 0; i < 3; i++) await g.release();
    expect(g.calls).toEqual([[1], [2, 3], [4, 5]]);
    expect(await Promise.all(all)).toEqual([1, 2, 3, 4, 5]);
  });

  it('fails only the item answered with an error, and every item of a batch that throws', async () => {
    const g = gate((b) => b.map((n) => (n === 2 ? new Error('two is short') : n)));
    const call = coalescer(g.run, { max: 10 });
    const one = call(1);
    const rest = Promise.allSettled([call(2), call(3)]);
    await g.release();
    await g.release();
    expect(await one).toBe(1);
    const [two, three] = await rest;
    expect(two).toMatchObject({ status: 'rejected', reason: new Error('two is short') });
    expect(three).toEqual({ status: 'fulfilled', value: 3 });

    const failing = coalescer(async () => Promise.reject(new Error('database down')), { max: 10 });
    const results = await Promise.allSettled([failing(1), failing(2)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });

  it('keeps one batch in flight per key, and keys apart', async () => {
    const g = gate((b) => b);
    const call = coalescer(g.run, { max: 10, keyOf: (n) => (n % 2 === 0 ? 'even' : 'odd') });
    const all = [call(1), call(2), call(3), call(4), call(5)];
    expect(g.calls).toEqual([[1], [2]]);
    for (let i = 0; i < 4; i++) await g.release();
    expect(g.calls).toEqual([[1], [2], [3, 5], [4]]);
    expect(await Promise.all(all)).toEqual([1, 2, 3, 4, 5]);
  });

  it('refuses a batch answered with fewer results than items', async () => {
    const call = coalescer(async (b: number[]) => b.slice(1), { max: 10 });
    const first = call(1);
    await expect(first).rejects.toThrow('fewer items');
  });
});
