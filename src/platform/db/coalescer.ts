import { AppError } from '../errors.ts';

/**
 * Groups concurrent calls into one batch call: one round trip (and, for writes, one commit) for
 * everything that arrived while the previous batch was in flight. No timer: with nothing in flight
 * a call goes out at once, so an idle process pays no latency and a busy one works in groups.
 *
 * `run` answers every item of its batch, in order, with a result or an Error (that item alone
 * fails); a thrown error fails the whole batch. One batch per key is in flight at a time, so two
 * batches of one process never take the same row locks in opposite orders.
 */
export function coalescer<I, O>(
  run: (batch: I[]) => Promise<Array<O | Error>>,
  opts: {
    max: number;
    keyOf?: (item: I) => string;
    /**
     * Calls that may wait per key (default 50 batches' worth). Beyond it a call is refused at once
     * (OVERLOADED, 503 with Retry-After): under overload memory stays bounded and clients back off.
     */
    maxQueued?: number;
  },
) {
  const maxQueued = opts.maxQueued ?? opts.max * 50;
  interface Pending {
    item: I;
    resolve: (o: O) => void;
    reject: (err: unknown) => void;
  }
  const queues = new Map<string, Pending[]>();
  const busy = new Set<string>();

  async function flush(key: string): Promise<void> {
    const queue = queues.get(key);
    if (!queue || queue.length === 0 || busy.has(key)) return;
    const batch = queue.splice(0, opts.max);
    busy.add(key);
    try {
      const results = await run(batch.map((p) => p.item));
      batch.forEach((p, i) => {
        const r = results[i];
        if (r instanceof Error) p.reject(r);
        else if (i >= results.length)
          p.reject(new Error('batch call answered fewer items than it was given'));
        else p.resolve(r as O);
      });
    } catch (err) {
      for (const p of batch) p.reject(err);
    } finally {
      busy.delete(key);
      if (queue.length > 0) void flush(key);
      else queues.delete(key);
    }
  }

  return (item: I): Promise<O> =>
    new Promise<O>((resolve, reject) => {
      const key = opts.keyOf?.(item) ?? '';
      let queue = queues.get(key);
      if (!queue) {
        queue = [];
        queues.set(key, queue);
      }
      if (queue.length >= maxQueued) {
        reject(
          new AppError('OVERLOADED', 'Too much work is queued; retry shortly', { retryAfterS: 1 }),
        );
        return;
      }
      queue.push({ item, resolve, reject });
      void flush(key);
    });
}

/**
 * For a batch: whether each item repeats the key of an earlier one. A batch statement acts on the
 * first item of a key only (one row can be written once per statement); the repeats are answered
 * as if they had come second one at a time. A null key never repeats.
 */
export function repeatsInBatch<T>(
  items: readonly T[],
  keyOf: (item: T) => string | null,
): boolean[] {
  const seen = new Set<string>();
  return items.map((item) => {
    const key = keyOf(item);
    if (key === null) return false;
    if (seen.has(key)) return true;
    seen.add(key);
    return false;
  });
}
