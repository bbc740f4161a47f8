/**
 * Collects rows into batches of at most `max`, written by `write`. A key already in the batch
 * flushes it before the new row joins: one statement never touches a key twice (Postgres refuses
 * that in ON CONFLICT DO UPDATE), and the later row lands after the earlier one, as in the file.
 */
export function keyedBatch<T>(max: number, write: (rows: T[]) => Promise<void>) {
  let rows = new Map<string, T>();
  const flush = async () => {
    if (rows.size === 0) return;
    const taken = [...rows.values()];
    rows = new Map();
    await write(taken);
  };
  return {
    async add(key: string, row: T): Promise<void> {
      if (rows.has(key)) await flush();
      rows.set(key, row);
      if (rows.size >= max) await flush();
    },
    flush,
  };
}
