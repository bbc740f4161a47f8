import type { EventBus, Subscription } from './port.ts';

/** Notices within this window go out as one, so a burst of changes costs a few notices a second. */
const COALESCE_MS = 20;
/** Ids per notice: keeps a notice far under NATS's default 1 MB payload. */
const MAX_IDS_PER_NOTICE = 2_000;

export interface LiveNotices {
  /**
   * Something changed (these ids, or no ids when the change has none to name). Call after the
   * change committed: a reader told earlier could cache what it read before the commit.
   */
  notify(ids?: Iterable<string>): void;
  /** Called with the ids of each notice (possibly none), in every process that listens. */
  onNotice(handler: (ids: string[]) => void): Subscription;
}

/**
 * "This changed" told to every process through the bus's live fan-out, for caches to re-read what
 * changed and keep the rest. Coalesced per 20 ms. At most once, like the fan-out itself: a notice
 * sent while the bus is down is lost, so a reader still bounds how old what it serves may be.
 */
export function liveNotices(bus: EventBus, topic: string): LiveNotices {
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | null = null;

  function flush() {
    timer = null;
    const ids = [...pending];
    pending.clear();
    let i = 0;
    do bus.announce(topic, { ids: ids.slice(i, i + MAX_IDS_PER_NOTICE) });
    while ((i += MAX_IDS_PER_NOTICE) < ids.length);
  }

  return {
    notify(ids = []) {
      for (const id of ids) pending.add(id);
      timer ??= setTimeout(flush, COALESCE_MS).unref();
    },
    onNotice(handler) {
      return bus.listen(topic, (data) => {
        const ids = (data as { ids?: unknown } | null)?.ids;
        handler(Array.isArray(ids) ? ids.filter((id): id is string => typeof id === 'string') : []);
      });
    },
  };
}
