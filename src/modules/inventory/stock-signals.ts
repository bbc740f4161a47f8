import type { EventBus, Subscription } from '../../platform/bus/port.ts';

/** Live topic: the availability of these stores changed (committed). */
export const STOCK_CHANGED_TOPIC = 'inventory.stock-changed';
/** Changes within this window go out as one notice, so a rush costs a few notices a second, not one per order. */
const COALESCE_MS = 20;
/** Store ids per notice: keeps a notice under NATS's default 1 MB payload with a wide margin. */
const MAX_IDS_PER_NOTICE = 2_000;

export interface StockSignals {
  /** Call after the change committed: a reader told earlier could cache what it read before the commit. */
  changed(storeIds: string | Iterable<string>): void;
  /** Called with the stores whose availability changed, in every process that listens. */
  onChanged(handler: (storeIds: string[]) => void): Subscription;
}

/**
 * Tells every process, through the bus's live fan-out, which stores' stock just changed, so caches
 * of what is in stock can refresh those stores at once and keep everything else. The fan-out is at
 * most once (a notice sent while the bus is down is lost): a reader still bounds how old what it
 * serves may be.
 */
export function stockSignals(bus: EventBus): StockSignals {
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | null = null;

  function flush() {
    timer = null;
    const ids = [...pending];
    pending.clear();
    for (let i = 0; i < ids.length; i += MAX_IDS_PER_NOTICE) bus.announce(STOCK_CHANGED_TOPIC, { store_ids: ids.slice(i, i + MAX_IDS_PER_NOTICE) });
  }

  return {
    changed(storeIds) {
      // Lower case, as Postgres prints uuids: an id taken from a URL may be upper case.
      if (typeof storeIds === 'string') pending.add(storeIds.toLowerCase());
      else for (const id of storeIds) pending.add(id.toLowerCase());
      if (pending.size > 0 && !timer) timer = setTimeout(flush, COALESCE_MS).unref();
    },
    onChanged(handler) {
      return bus.listen(STOCK_CHANGED_TOPIC, (data) => {
        const ids = (data as { store_ids?: unknown } | null)?.store_ids;
        if (Array.isArray(ids)) handler(ids.filter((id): id is string => typeof id === 'string'));
      });
    },
  };
}
