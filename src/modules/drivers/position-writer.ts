import type { GeoIndex, GeoPoint } from '../../platform/geo/port.ts';

export interface PositionWriter {
  /** Settles once the driver's point (or a newer one) is in the index. */
  write(point: GeoPoint): Promise<void>;
  /** Points queued or on the wire. */
  pending(): number;
}

/**
 * Writes drivers' newest points to the geo index, coalescing concurrent uploads: while one write
 * is in flight the next batch gathers (one point per driver, the newest), so the index sees one
 * call per round trip instead of one per upload.
 */
export function coalescedPositionWriter(geo: GeoIndex): PositionWriter {
  let queued = new Map<string, GeoPoint>();
  let waiters: Array<{ resolve: () => void; reject: (err: unknown) => void }> = [];
  let inFlight = 0;
  let writing = false;

  async function drain(): Promise<void> {
    writing = true;
    try {
      while (queued.size > 0) {
        const batch = queued;
        const done = waiters;
        queued = new Map();
        waiters = [];
        inFlight = batch.size;
        try {
          await geo.upsert([...batch.values()]);
          for (const w of done) w.resolve();
        } catch (err) {
          for (const w of done) w.reject(err);
        } finally {
          inFlight = 0;
        }
      }
    } finally {
      writing = false;
    }
  }

  function write(point: GeoPoint): Promise<void> {
    const seen = queued.get(point.id);
    if (!seen || seen.at <= point.at) queued.set(point.id, point);
    const done = new Promise<void>((resolve, reject) => waiters.push({ resolve, reject }));
    if (!writing) void drain();
    return done;
  }

  return { write, pending: () => queued.size + inFlight };
}
