import type { Logger } from 'pino';
import type { Db } from '../db/pool.ts';
import { intCursor, pageFrom } from '../http/page-cursor.ts';
import type { Stoppable } from '../module.ts';
import { runPeriodically } from '../periodic.ts';
import {
  claimReplays,
  type DeadLetterRow,
  listDeadLetterRows,
  lockDeadLetter,
  markReplayed,
  markReplayFailed,
  markReplayRequested,
  recordDeadLetter,
} from './dead-letters.repository.ts';
import type { DeadLetterSink, EventHandler } from './port.ts';

const DEAD_LETTERS_CURSOR = intCursor('dead-letters');

export interface DeadLetterView {
  id: number;
  consumer: string;
  event_id: string;
  event_type: string;
  attempts: number;
  error: string;
  created_at: string;
  replay_requested_at: string | null;
  replayed_at: string | null;
}

const view = (r: DeadLetterRow): DeadLetterView => ({
  id: r.id,
  consumer: r.consumer,
  event_id: r.event_id,
  event_type: r.event.type,
  attempts: r.attempts,
  error: r.error,
  created_at: r.created_at.toISOString(),
  replay_requested_at: r.replay_requested_at?.toISOString() ?? null,
  replayed_at: r.replayed_at?.toISOString() ?? null,
});

/** A page of dead letters, newest first (`cursor`: where the previous page ended). */
export async function listDeadLetters(
  db: Db,
  q: { consumer?: string; pending: boolean; cursor?: string; limit: number },
): Promise<{ items: DeadLetterView[]; next_cursor: string | null }> {
  const rows = await listDeadLetterRows(db, {
    consumer: q.consumer,
    pending: q.pending,
    before: q.cursor ? DEAD_LETTERS_CURSOR.decode(q.cursor) : undefined,
    limit: q.limit + 1,
  });
  return pageFrom(rows, q.limit, view, (r) => DEAD_LETTERS_CURSOR.encode(r.id));
}

/** What a replay request changes, for the audit log. */
const replayState = (v: DeadLetterView) => ({
  consumer: v.consumer,
  event_type: v.event_type,
  replay_requested_at: v.replay_requested_at,
  replayed_at: v.replayed_at,
});
export type ReplayState = ReturnType<typeof replayState>;

/**
 * Marks a dead letter for replay; a worker running its consumer picks it up. `changed` gets the
 * state before and after inside the same transaction (the audit log's row commits with it).
 */
export async function requestReplay(
  db: Db,
  id: number,
  changed?: (trx: Db, before: ReplayState, after: ReplayState) => Promise<void>,
): Promise<DeadLetterView | null> {
  return db.transaction().execute(async (trx) => {
    const before = await lockDeadLetter(trx, id);
    const row = before && (await markReplayRequested(trx, id));
    if (!before || !row) return null;
    await changed?.(trx, replayState(view(before)), replayState(view(row)));
    return view(row);
  });
}

/** The dead-letter sink of both bus adapters: a row an operator can inspect and replay. */
export function deadLetterTable(db: Db): DeadLetterSink {
  return (d) => recordDeadLetter(db, d);
}

/**
 * Replays requested dead letters of the consumers this process runs, through the same handler
 * (and so the same inbox): an event whose effect did get applied after all changes nothing.
 * A replay that fails again records the error and waits for the next request.
 */
export function startDeadLetterReplayer(opts: {
  db: Db;
  handlers: ReadonlyMap<string, EventHandler>;
  logger: Logger;
  pollMs?: number;
}): Stoppable {
  const tick = async () => {
    const consumers = [...opts.handlers.keys()];
    if (consumers.length === 0) return;
    await opts.db.transaction().execute(async (trx) => {
      for (const row of await claimReplays(trx, consumers, 20)) {
        const handler = opts.handlers.get(row.consumer);
        if (!handler) continue;
        try {
          await handler(row.event, { attempt: row.attempts + 1 });
          await markReplayed(trx, row.id);
          opts.logger.info({ id: row.id, consumer: row.consumer }, 'dead letter replayed');
        } catch (err) {
          await markReplayFailed(trx, row.id, err instanceof Error ? err.message : String(err));
        }
      }
    });
  };
  return runPeriodically('dead-letter replay', opts.pollMs ?? 1000, tick, opts.logger);
}
