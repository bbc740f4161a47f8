import { sql } from 'kysely';
import type { Db } from '../db/pool.ts';
import type { DomainEvent } from './event.ts';
import type { DeadLetterSink, EventHandler } from './port.ts';

/**
 * Wraps a consumer's effect so it runs at most once per event: the inbox row and the effect commit
 * in one transaction. A redelivery finds the row and changes nothing; a crash before commit leaves
 * neither, so the redelivery applies the effect.
 */
export function onceWithInbox(
  db: Db,
  consumer: string,
  effect: (trx: Db, event: DomainEvent) => Promise<void>,
): EventHandler {
  return async (event) => {
    await db.transaction().execute(async (trx) => {
      const res =
        await sql`INSERT INTO inbox (consumer, event_id) VALUES (${consumer}, ${event.id}::uuid)
        ON CONFLICT DO NOTHING`.execute(trx);
      if (Number(res.numAffectedRows ?? 0) === 0) return;
      await effect(trx, event);
    });
  };
}

/** The dead-letter sink of both bus adapters: a row an operator can inspect and replay. */
export function deadLetterTable(db: Db): DeadLetterSink {
  return async ({ consumer, event, attempts, error }) => {
    await sql`INSERT INTO dead_letters (consumer, event_id, event, attempts, error)
      VALUES (${consumer}, ${event.id}::uuid, ${JSON.stringify(event)}::jsonb, ${attempts}, ${error})
      ON CONFLICT (consumer, event_id) DO UPDATE
        SET attempts = EXCLUDED.attempts, error = EXCLUDED.error, created_at = now(),
            replay_requested_at = NULL, replayed_at = NULL`.execute(db);
  };
}
