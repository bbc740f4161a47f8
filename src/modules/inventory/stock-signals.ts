import { liveNotices } from '../../platform/bus/live-notices.ts';
import type { EventBus, Subscription } from '../../platform/bus/port.ts';

/** Live topic: the availability of these stores changed (committed). */
export const STOCK_CHANGED_TOPIC = 'inventory.stock-changed';

export interface StockSignals {
  /** Call after the change committed: a reader told earlier could cache what it read before the commit. */
  changed(storeIds: string | Iterable<string>): void;
  /** Called with the stores whose availability changed, in every process that listens. */
  onChanged(handler: (storeIds: string[]) => void): Subscription;
}

/** The listening side alone: other modules learn of changes, only inventory announces them. */
export type StockChanges = Pick<StockSignals, 'onChanged'>;

/**
 * Tells every process which stores' stock just changed (live notices, coalesced, at most once), so
 * caches of what is in stock can refresh those stores at once and keep everything else.
 */
export function stockSignals(bus: EventBus): StockSignals {
  const notices = liveNotices(bus, STOCK_CHANGED_TOPIC);
  return {
    changed(storeIds) {
      // Lower case, as Postgres prints uuids: an id taken from a URL may be upper case.
      const ids = (typeof storeIds === 'string' ? [storeIds] : [...storeIds]).map((id) =>
        id.toLowerCase(),
      );
      if (ids.length > 0) notices.notify(ids);
    },
    onChanged: (handler) => notices.onNotice(handler),
  };
}
