import type { Logger } from 'pino';
import type { Db } from '../db/pool.ts';
import { intCursor, pageFrom } from '../http/page-cursor.ts';
import type { Stoppable } from '../module.ts';
import { runPeriodically } from '../periodic.ts';
import {
  claimReplays,
  type DeadLetterRow,
  type DeadLetterStatus,
  listDeadLetterRows,
  markReplayed,
  markReplayFailed,
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
  discarded_at: string | null;
}

export const deadLetterView = (r: DeadLetterRow): DeadLetterView => ({
  id: r.id,
  consumer: r.consumer,
  event_id: r.event_id,
  event_type: r.event.type,
  attempts: r.attempts,
  error: r.error,
  created_at: r.created_at.toISOString(),
  replay_requested_at: r.replay_requested_at?.toISOString() ?? null,
  replayed_at: r.replayed_at?.toISOString() ?? null,
  discarded_at: r.discarded_at?.toISOString() ?? null,
});

/** A page of dead letters, newest first (`cursor`: where the previous page ended). */
export async function listDeadLetters(
  db: Db,
  q: {
    consumer?: string;
    pending: boolean;
    status?: DeadLetterStatus;
    cursor?: string;
    limit: number;
  },
): Promise<{ items: DeadLetterView[]; next_cursor: string | null }> {
  const rows = await listDeadLetterRows(db, {
    consumer: q.consumer,
    status: q.status ?? (q.pending ? 'pending' : undefined),
    before: q.cursor ? DEAD_LETTERS_CURSOR.decode(q.cursor) : undefined,
    limit: q.limit + 1,
  });
  return pageFrom(rows, q.limit, deadLetterView, (r) => DEAD_LETTERS_CURSOR.encode(r.id));
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
