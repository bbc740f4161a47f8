import type { Db } from '../db/pool.ts';
import { redacted } from '../timeline/redact.ts';
import { type DeadLetterView, deadLetterView } from './dead-letters.ts';
import {
  type DeadLetterRow,
  findDeadLetter,
  lockDeadLetter,
  markDiscarded,
  markReplayRequested,
} from './dead-letters.repository.ts';

/**
 * What an operator does to a dead letter: replay it (one or many) or discard it. Each is
 * idempotent: asked again, it changes nothing and says so; a replayed letter cannot be discarded
 * and a discarded one cannot be replayed. `changed` gets the state before and after inside the
 * same transaction (the audit log's row commits with it), only when something changed.
 */

/** What an action changes, for the audit log. */
const stateOf = (v: DeadLetterView) => ({
  consumer: v.consumer,
  event_type: v.event_type,
  replay_requested_at: v.replay_requested_at,
  replayed_at: v.replayed_at,
  discarded_at: v.discarded_at,
});
export type DeadLetterState = ReturnType<typeof stateOf>;
type Changed = (trx: Db, before: DeadLetterState, after: DeadLetterState) => Promise<void>;

export type ReplayOutcome =
  'requested' | 'already_requested' | 'already_replayed' | 'discarded' | 'not_found';
export type DiscardOutcome = 'discarded' | 'already_discarded' | 'already_replayed' | 'not_found';

export interface Outcome<O> {
  outcome: O;
  letter: DeadLetterView | null;
}

/** Why a dead letter cannot take an action any more, or null when it can. */
function settled(row: DeadLetterRow): 'already_replayed' | 'discarded' | null {
  if (row.replayed_at) return 'already_replayed';
  return row.discarded_at ? 'discarded' : null;
}

/** Marks a dead letter for replay; a worker running its consumer picks it up. */
export async function requestReplay(
  db: Db,
  id: number,
  changed?: Changed,
): Promise<Outcome<ReplayOutcome>> {
  return db.transaction().execute(async (trx) => {
    const before = await lockDeadLetter(trx, id);
    if (!before) return { outcome: 'not_found', letter: null };
    const done = settled(before) ?? (before.replay_requested_at ? 'already_requested' : null);
    if (done) return { outcome: done, letter: deadLetterView(before) };
    const row = await markReplayRequested(trx, id);
    if (!row) throw new Error(`dead letter ${id} changed under its lock`);
    await changed?.(trx, stateOf(deadLetterView(before)), stateOf(deadLetterView(row)));
    return { outcome: 'requested', letter: deadLetterView(row) };
  });
}

/** Replays each of `ids` (each in its own transaction, in the order given, once). */
export async function requestReplays(
  db: Db,
  ids: readonly number[],
  changed?: (id: number) => Changed,
): Promise<Array<{ id: number } & Outcome<ReplayOutcome>>> {
  const out: Array<{ id: number } & Outcome<ReplayOutcome>> = [];
  for (const id of new Set(ids)) out.push({ id, ...(await requestReplay(db, id, changed?.(id))) });
  return out;
}

/** Discards a dead letter: off the pending list, never replayed (a pending request dropped). */
export async function discardDeadLetter(
  db: Db,
  id: number,
  changed?: Changed,
): Promise<Outcome<DiscardOutcome>> {
  return db.transaction().execute(async (trx) => {
    const before = await lockDeadLetter(trx, id);
    if (!before) return { outcome: 'not_found', letter: null };
    const done = settled(before);
    if (done)
      return {
        outcome: done === 'discarded' ? 'already_discarded' : done,
        letter: deadLetterView(before),
      };
    const row = await markDiscarded(trx, id);
    if (!row) throw new Error(`dead letter ${id} changed under its lock`);
    await changed?.(trx, stateOf(deadLetterView(before)), stateOf(deadLetterView(row)));
    return { outcome: 'discarded', letter: deadLetterView(row) };
  });
}

/** A dead letter with the event it holds, its payload redacted as the order timeline's are. */
export async function deadLetterDetail(db: Db, id: number) {
  const row = await findDeadLetter(db, id);
  if (!row) return null;
  const e = row.event;
  return {
    ...deadLetterView(row),
    event: {
      id: e.id,
      type: e.type,
      version: e.version,
      aggregate_id: e.aggregateId ?? null,
      occurred_at: e.occurredAt,
      payload: redacted({ payload: e.payload }).payload ?? null,
    },
  };
}
