import type {
  AttentionAction,
  AttentionItem,
  AttentionKind,
  AttentionSource,
} from '../../platform/attention/attention.ts';
import type { Clock } from '../../platform/context.ts';
import { keyCursor } from '../../platform/http/page-cursor.ts';
import type { Logger } from '../../platform/observability/logger.ts';
import type { OrderStatus } from '../orders/index.ts';

/** Most items one source gives the list: the most overdue ones. */
const SOURCE_LIMIT = 500;
const CURSOR = keyCursor('attention', ['time', 'string', 'string']);

export interface AttentionDeps {
  clock: Clock;
  sources: () => readonly AttentionSource[];
  /** The store and status of each of these orders (orders). */
  orders: (ids: readonly string[]) => Promise<Map<string, { status: OrderStatus }>>;
  /** The delivery of each of these orders that has one (dispatch). */
  deliveries: (
    ids: readonly string[],
  ) => Promise<Array<{ id: string; order_id: string; trip_id: string; status: string }>>;
  /** Statuses an ops cancel may end an order from, and those whose deadline may be extended. */
  cancellable: readonly OrderStatus[];
  extendable: (s: OrderStatus) => boolean;
  logger: Logger;
}

export interface AttentionQuery {
  kind?: AttentionKind | undefined;
  store_id?: string | undefined;
  cursor?: string | undefined;
  limit: number;
}

/** A delivery whose bag is still at the store (or no driver has it yet): it may change hands. */
const BEFORE_PICKUP = new Set(['pending', 'assigned', 'at_store']);
/** A driver has the bag: ops may confirm the hand-over. */
const CARRIED = new Set(['picked_up', 'at_dropoff']);

const order = (a: AttentionItem, b: AttentionItem) =>
  a.since.getTime() - b.since.getTime() ||
  (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

/**
 * Everything needing a person now, from every module's sources (`ModuleDefinition.attention`),
 * most overdue first, a page at a time. Each item gets the actions its order's and delivery's
 * state allow now (a source adds its own: a workflow's retry). A source that fails or has more
 * than 500 items is named in `gaps`; the others are answered.
 */
export function opsAttention(deps: AttentionDeps) {
  async function collect(q: AttentionQuery, now: Date) {
    const gaps: string[] = [];
    const sources = deps.sources().filter((s) => !q.kind || s.kind === q.kind);
    const got = await Promise.all(
      sources.map(async (s) => {
        try {
          const items = await s.items({ now, storeId: q.store_id, limit: SOURCE_LIMIT });
          if (items.length > SOURCE_LIMIT) gaps.push(s.kind);
          return items.slice(0, SOURCE_LIMIT);
        } catch (err) {
          deps.logger.warn({ err, kind: s.kind }, 'an attention source failed');
          gaps.push(s.kind);
          return [];
        }
      }),
    );
    return { items: got.flat().sort(order), gaps };
  }

  async function withActions(items: AttentionItem[]) {
    const ids = [...new Set(items.map((i) => i.order_id))];
    const [orders, deliveries] = await Promise.all([deps.orders(ids), deps.deliveries(ids)]);
    const delivery = new Map(deliveries.map((d) => [d.order_id, d]));
    return items.map((i) => {
      const status = orders.get(i.order_id)?.status;
      const d = delivery.get(i.order_id);
      const actions = new Set<AttentionAction>(i.actions ?? []);
      if (d && BEFORE_PICKUP.has(d.status)) actions.add('reassign');
      if (status && deps.cancellable.includes(status)) actions.add('cancel_refund');
      if (status && deps.extendable(status)) actions.add('extend_deadline');
      if (d && CARRIED.has(d.status) && status === 'picked_up') actions.add('mark_delivered');
      return { item: i, trip: i.trip_id ?? d?.trip_id, delivery: d?.id, actions };
    });
  }

  return async (q: AttentionQuery) => {
    const now = new Date(deps.clock.now());
    const { items, gaps } = await collect(q, now);
    const after = q.cursor ? CURSOR.decode(q.cursor) : undefined;
    const rest = after
      ? items.filter(
          (i) => order(i, { since: after[0], kind: after[1], key: after[2] } as AttentionItem) > 0,
        )
      : items;
    const page = rest.slice(0, q.limit);
    const last = rest.length > q.limit ? page.at(-1) : undefined;
    return {
      items: (await withActions(page)).map(({ item: i, trip, delivery, actions }) => ({
        kind: i.kind,
        order_id: i.order_id,
        ...(trip ? { trip_id: trip } : {}),
        store_id: i.store_id,
        since: i.since.toISOString(),
        overdue_s: Math.max(0, Math.floor((now.getTime() - i.since.getTime()) / 1000)),
        summary: i.summary,
        detail: { ...(delivery ? { delivery_id: delivery } : {}), ...i.detail },
        actions: [...actions].sort(),
      })),
      next_cursor: last ? CURSOR.encode([last.since, last.kind, last.key]) : null,
      gaps,
    };
  };
}
