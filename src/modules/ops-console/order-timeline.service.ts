import { AppError } from '../../platform/errors.ts';
import type { Logger } from '../../platform/observability/logger.ts';
import { redacted } from '../../platform/timeline/redact.ts';
import type { OrderTimelineSource, TimelineEntry } from '../../platform/timeline/timeline.ts';

/** The most entries one source shows of an order (an order has a few dozen). */
export const SOURCE_LIMIT = 500;

export interface TimelineGap {
  source: string;
  reason: 'limit' | 'error';
}

/**
 * The ops console's order timeline: every source's entries (the platform's and each module's,
 * `ctx.orderTimeline()`), merged oldest first. The sources keyed by the order run first; the
 * `related` ones (events and notifications of the order's tickets and trip) then get the ids
 * those entries name. A source that fails or has more than `limit` is named in `gaps`, and the
 * rest is still answered. Every entry's data is redacted on its way out.
 */
export function opsOrderTimeline(deps: {
  sources: () => readonly OrderTimelineSource[];
  orderExists: (id: string) => Promise<boolean>;
  logger: Logger;
  limit?: number;
}) {
  const limit = deps.limit ?? SOURCE_LIMIT;
  return async (orderId: string) => {
    if (!(await deps.orderExists(orderId))) throw new AppError('NOT_FOUND', `No order ${orderId}`);
    const gaps: TimelineGap[] = [];
    const read = async (s: OrderTimelineSource, related: readonly string[]) => {
      try {
        const got = [...(await s.entries({ orderId, limit, related }))].sort(
          (a, b) => a.at.getTime() - b.at.getTime(),
        );
        if (got.length > limit) gaps.push({ source: s.name, reason: 'limit' });
        return got.slice(0, limit);
      } catch (err) {
        deps.logger.warn(
          { err, source: s.name, order: orderId },
          'an order timeline source failed',
        );
        gaps.push({ source: s.name, reason: 'error' });
        return [];
      }
    };
    const sources = deps.sources();
    const first = (
      await Promise.all(sources.filter((s) => !s.related).map((s) => read(s, [])))
    ).flat();
    const refs = [...new Set(first.flatMap((e) => e.refs ?? []))].filter((id) => id !== orderId);
    const then = (
      await Promise.all(sources.filter((s) => s.related).map((s) => read(s, refs)))
    ).flat();
    // Stable: entries of one moment keep their sources' order (a source lists cause before effect).
    const items = [...first, ...then]
      .map((e, i) => ({ e, i }))
      .sort((a, b) => a.e.at.getTime() - b.e.at.getTime() || a.i - b.i)
      .map(({ e }) => view(e));
    return { order_id: orderId, items, gaps };
  };
}

const view = (e: TimelineEntry) => ({
  at: e.at.toISOString(),
  source: e.source,
  kind: e.kind,
  summary: e.summary,
  data: redacted(e.data),
});
