import { sql } from 'kysely';
import type { Logger } from 'pino';
import type { Db } from '../db/pool.ts';
import type { Stoppable } from '../module.ts';
import { runPeriodically } from '../periodic.ts';
import type { DomainEvent } from './event.ts';
import type { EventHandler } from './port.ts';

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

interface Row {
  id: number;
  consumer: string;
  event_id: string;
  event: DomainEvent;
  attempts: number;
  error: string;
  created_at: Date;
  replay_requested_at: Date | null;
  replayed_at: Date | null;
}

const view = (r: Row): DeadLetterView => ({
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

export async function listDeadLetters(
  db: Db,
  q: { consumer?: string; pending: boolean; limit: number },
): Promise<DeadLetterView[]> {
  const rows = await sql<Row>`SELECT * FROM dead_letters
    WHERE (${q.consumer ?? null}::text IS NULL OR consumer = ${q.consumer ?? null})
      AND (NOT ${q.pending} OR replayed_at IS NULL)
    ORDER BY id DESC LIMIT ${q.limit}`.execute(db);
  return rows.rows.map(view);
}

/** Marks a dead letter for replay; a worker running its consumer picks it up. */
export async function requestReplay(db: Db, id: number): Promise<DeadLetterView | null> {
  const rows = await sql<Row>`UPDATE dead_letters SET replay_requested_at = now()
    WHERE id = ${id} AND replayed_at IS NULL RETURNING *`.execute(db);
  const row = rows.rows[0];
  return row ? view(row) : null;
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
      const claimed = await sql<Row>`SELECT * FROM dead_letters
        WHERE replay_requested_at IS NOT NULL AND replayed_at IS NULL
          AND consumer = ANY(${consumers}::text[])
        ORDER BY id LIMIT 20 FOR UPDATE SKIP LOCKED`.execute(trx);
      for (const row of claimed.rows) {
        const handler = opts.handlers.get(row.consumer);
        if (!handler) continue;
        try {
          await handler(row.event, { attempt: row.attempts + 1 });
          await sql`UPDATE dead_letters SET replayed_at = now() WHERE id = ${row.id}`.execute(trx);
          opts.logger.info({ id: row.id, consumer: row.consumer }, 'dead letter replayed');
        } catch (err) {
          await sql`UPDATE dead_letters SET replay_requested_at = NULL, attempts = attempts + 1,
            error = ${err instanceof Error ? err.message : String(err)} WHERE id = ${row.id}`.execute(
            trx,
          );
        }
      }
    });
  };
  return runPeriodically('dead-letter replay', opts.pollMs ?? 1000, tick, opts.logger);
}
