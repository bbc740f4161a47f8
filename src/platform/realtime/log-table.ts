import type { ColumnType, Generated } from 'kysely';

/**
 * How a numbered, resumable log (resumable-log.ts) keeps its messages in its module's table: the
 * stream's key (an order's, a store's id), then these columns. A message is stored without its
 * number, as JSON text, and read back parsed; its `type` is kept as `kind`.
 */
export interface LogMessageColumns<Kind extends string = string> {
  seq: number;
  kind: Kind;
  /** The message as subscribers get it, without its number: written as JSON text, read parsed. */
  payload: ColumnType<Record<string, unknown>, string, never>;
  at: Generated<Date>;
}

/** What a log's writer stores beside its stream's key columns (see `storedEntry`). */
export interface StoredEntry<Kind extends string = string> {
  kind: Kind;
  payload: string;
  at: Date;
}

/** The columns one entry (a message before it is numbered) is stored as. */
export const storedEntry = <E extends { type: string }>(
  entry: E,
  at: Date,
): StoredEntry<E['type']> => ({
  kind: entry.type,
  payload: JSON.stringify(entry),
  at,
});

/**
 * A stored row as the message subscribers get: its number and what was stored. The log holds what
 * its writer wrote; the socket checks what it sends under contract checks.
 */
export const messageOfRow = <M extends { seq: number }>(r: {
  seq: number;
  payload: Record<string, unknown>;
}): M => ({ seq: r.seq, ...r.payload }) as M;
