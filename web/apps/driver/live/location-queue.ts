import type { LocationFix } from '@lastmile/client';

/** What the queue keeps its points in (localStorage in the app). */
export interface QueueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** The API takes up to 100 points per upload. */
export const MAX_BATCH = 100;
/** Points kept while nothing can be sent (about 7 hours at one every 5 s); the oldest go first. */
export const MAX_KEPT = 5000;

const isFix = (v: unknown): v is LocationFix =>
  typeof v === 'object' &&
  v !== null &&
  Number.isFinite((v as LocationFix).lat) &&
  Number.isFinite((v as LocationFix).lng) &&
  typeof (v as LocationFix).recorded_at === 'string';

/**
 * The positions not yet taken by the API, oldest first, kept in memory and in `storage` (so a
 * reload or a closed tab loses none). The API drops a point not newer than the last it took, so
 * points leave in the order they were recorded, a batch at a time, and a batch leaves the queue
 * only once answered.
 */
export class LocationQueue {
  private points: LocationFix[];
  private sending: Promise<boolean> | null = null;
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly storage: QueueStorage | null,
    private readonly key: string,
  ) {
    this.points = this.load();
  }

  get size(): number {
    return this.points.length;
  }

  /** The points waiting, oldest first (a copy). */
  pending(): LocationFix[] {
    return [...this.points];
  }

  /** Queues a fix; one not newer than the last queued is a repeat and is left out. */
  add(fix: LocationFix): boolean {
    const last = this.points[this.points.length - 1];
    if (last && Date.parse(fix.recorded_at) <= Date.parse(last.recorded_at)) return false;
    this.points.push(fix);
    if (this.points.length > MAX_KEPT) this.points.splice(0, this.points.length - MAX_KEPT);
    this.changed();
    return true;
  }

  /**
   * Sends the queue, oldest batch first, until it is empty (true) or a send fails (false: the
   * batch stays for the next flush). One flush at a time; a second call joins the running one.
   */
  flush(send: (batch: LocationFix[]) => Promise<void>): Promise<boolean> {
    this.sending ??= this.drain(send).finally(() => {
      this.sending = null;
    });
    return this.sending;
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => void this.listeners.delete(fn);
  }

  private async drain(send: (batch: LocationFix[]) => Promise<void>): Promise<boolean> {
    while (this.points.length > 0) {
      const batch = this.points.slice(0, MAX_BATCH);
      try {
        await send(batch);
      } catch {
        return false;
      }
      // Points added meanwhile are behind the batch: drop exactly what was sent.
      this.points.splice(0, batch.length);
      this.changed();
    }
    return true;
  }

  private changed(): void {
    try {
      if (this.points.length === 0) this.storage?.removeItem(this.key);
      else this.storage?.setItem(this.key, JSON.stringify(this.points));
    } catch {
      // Storage full or refused: the points are still in memory.
    }
    this.listeners.forEach((fn) => fn());
  }

  private load(): LocationFix[] {
    try {
      const v: unknown = JSON.parse(this.storage?.getItem(this.key) ?? '[]');
      return Array.isArray(v) ? v.filter(isFix) : [];
    } catch {
      return [];
    }
  }
}
