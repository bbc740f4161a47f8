/**
 * An order's timeline for operators (`GET /v1/ops/orders/{id}/timeline`). Each module says what
 * it recorded about an order through its own source (`ModuleDefinition.orderTimeline`), reading
 * only its own tables; the platform adds its own (the order's events, `bus/event-timeline.ts`);
 * the ops console runs them all and merges their entries by time. A module added later (chat,
 * media) declares its source in its definition and nothing else changes.
 */

/** One thing that happened to an order, as a source tells it. */
export interface TimelineEntry {
  at: Date;
  /** Who recorded it: the module (`payments`, `dispatch`…) or the platform part (`events`, `workflows`). */
  source: string;
  /** What happened, dotted and stable for clients (`payment.authorize`, `offer.declined`). */
  kind: string;
  /** One line for a person. */
  summary: string;
  /** The record's fields; trimmed and redacted (`redacted`) before anyone sees them. */
  data: Record<string, unknown>;
  /**
   * Ids of what the entry is about besides the order (a ticket, a trip), for the sources that
   * read by them (`related`). Not shown.
   */
  refs?: readonly string[];
}

export interface TimelineQuery {
  orderId: string;
  /** The most entries a source returns; one that has more returns `limit + 1` (it is cut and said so). */
  limit: number;
  /** For a `related` source: the refs of every other source's entries (and never the order id). */
  related: readonly string[];
}

/** What one module (or the platform) contributes to an order's timeline. */
export interface OrderTimelineSource {
  /** Named in the timeline's `gaps` when it fails or has more than the limit. */
  name: string;
  /**
   * Reads after the other sources, with their entries' refs: what is keyed by a ticket or a trip
   * rather than by the order (their events, their notifications).
   */
  related?: boolean;
  entries(q: TimelineQuery): Promise<TimelineEntry[]>;
}

/** A source of one module: `name` is also every entry's `source`. */
export function timelineSource(
  name: string,
  entries: OrderTimelineSource['entries'],
  opts: { related?: boolean } = {},
): OrderTimelineSource {
  return { name, entries, ...(opts.related ? { related: true } : {}) };
}

/** Minor units as a person reads them: `19.94 EUR`. */
export const money = (minor: number | string, currency: string): string =>
  `${(Number(minor) / 100).toFixed(2)} ${currency.trim()}`;
