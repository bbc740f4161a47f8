import type { Db } from '../db/pool.ts';
import {
  type OrderTimelineSource,
  type TimelineEntry,
  timelineSource,
} from '../timeline/timeline.ts';
import { deadLettersOfAggregates, eventsOfAggregates } from './event-history.repository.ts';

/**
 * The platform's part of an order's timeline: the events whose aggregate is the order or one of
 * the things the other sources found about it (its tickets, its trip), from the outbox, and the
 * consumers that gave up on any of them (dead letters). Each event's kind is its type.
 */
export function eventTimeline(db: Db): OrderTimelineSource {
  return timelineSource(
    'events',
    async (q) => {
      const ids = [q.orderId, ...q.related];
      const [events, dead] = await Promise.all([
        eventsOfAggregates(db, ids, q.limit + 1),
        deadLettersOfAggregates(db, ids, q.limit + 1),
      ]);
      const entries: TimelineEntry[] = events.map((e) => ({
        at: e.occurred_at,
        source: 'events',
        kind: e.type,
        summary:
          e.published_at !== null
            ? `${e.type} published`
            : `${e.type} waiting for the relay${e.last_error ? ` (${e.attempts} attempts: ${e.last_error})` : ''}`,
        data: {
          event_id: e.id,
          type: e.type,
          version: e.version,
          aggregate_id: e.aggregate_id,
          payload: e.payload,
          published_at: e.published_at,
          attempts: e.attempts,
          last_error: e.last_error,
        },
      }));
      for (const d of dead)
        entries.push({
          at: d.created_at,
          source: 'events',
          kind: 'event.dead_lettered',
          summary: `${d.consumer} gave up on ${d.event_type} after ${d.attempts} attempts${d.replayed_at ? ' (replayed since)' : d.discarded_at ? ' (discarded since)' : ''}`,
          data: {
            dead_letter_id: Number(d.id),
            consumer: d.consumer,
            event_id: d.event_id,
            event_type: d.event_type,
            attempts: d.attempts,
            error: d.error,
            replay_requested_at: d.replay_requested_at,
            replayed_at: d.replayed_at,
            discarded_at: d.discarded_at,
          },
        });
      return entries;
    },
    { related: true },
  );
}
