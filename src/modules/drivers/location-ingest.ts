import { LRUCache } from 'lru-cache';
import type { Clock } from '../../platform/context.ts';
import { AppError } from '../../platform/errors.ts';
import type { GeoIndex } from '../../platform/geo/port.ts';
import type { HistoryPoint } from './driver-locations.repository.ts';
import { filterPoints, type LastFix, type LocationPoint } from './location-filter.ts';
import type { LocationHistory } from './location-history.ts';
import { coalescedPositionWriter } from './position-writer.ts';

export interface IngestResult {
  accepted: number;
  dropped: { out_of_order: number; impossible_jump: number };
}

export interface LocationIngest {
  ingest(driverId: string, points: readonly LocationPoint[]): Promise<IngestResult>;
  /** Points waiting for the geo index and the history table. */
  pending(): number;
}

export interface IngestOptions {
  geo: GeoIndex;
  history: LocationHistory;
  clock: Clock;
  /** Shed uploads (503) while this many points wait. */
  maxPending: number;
  /** Minimum gap between two history points of one driver. */
  historyMs: number;
  /** Last fixes remembered in this process (the geo index answers the rest). */
  maxDrivers?: number;
  /** Told each driver's newest accepted point once it is in the index (live tracking). */
  onPosition?: (driverId: string, point: { lat: number; lng: number; at: number }) => void;
}

/** Clock skew we forgive a phone: a point further in the future is refused. */
export const FUTURE_TOLERANCE_MS = 30_000;

/** The points of an upload kept for the history: at least `historyMs` after the one kept before. */
function historyPoints(
  driverId: string,
  accepted: readonly LocationPoint[],
  lastKeptAt: number,
  historyMs: number,
): { keep: HistoryPoint[]; lastKeptAt: number } {
  let prevHistory = lastKeptAt;
  const keep = [];
  for (const p of accepted) {
    if (p.at - prevHistory >= historyMs) {
      keep.push({ ...p, driverId });
      prevHistory = p.at;
    }
  }
  return { keep, lastKeptAt: prevHistory };
}

/** Refuses a point from the future, and the whole upload while too many points wait. */
function admit(points: readonly LocationPoint[], now: number, pending: number, maxPending: number) {
  for (const p of points) {
    if (p.at > now + FUTURE_TOLERANCE_MS) {
      throw new AppError(
        'VALIDATION_FAILED',
        `points: recorded_at ${new Date(p.at).toISOString()} is in the future`,
      );
    }
  }
  if (pending + points.length > maxPending) {
    throw new AppError('OVERLOADED', 'Location ingest is behind; retry shortly', {
      retryAfterS: 1,
    });
  }
}

const indexUnavailable = (err: unknown) =>
  new AppError('DEPENDENCY_UNAVAILABLE', 'The location index is unavailable', {
    cause: err,
    retryAfterS: 2,
  });

/**
 * Location ingest. Each upload is checked against the driver's last fix (out-of-order and
 * impossible points dropped), then its newest point goes to the geo index and points at least
 * `historyMs` apart go to the history buffer. Index writes from concurrent uploads are coalesced
 * (position-writer.ts). When the index or the database falls behind, the waiting points pass
 * `maxPending` and uploads are refused with 503 + Retry-After: memory stays bounded.
 */
export function createLocationIngest(opts: IngestOptions): LocationIngest {
  const maxDrivers = opts.maxDrivers ?? 100_000;
  // The same LRU as the platform's caches: a driver not heard from for longest goes first.
  const lastFix = new LRUCache<string, LastFix>({ max: maxDrivers });
  const lastHistoryAt = new LRUCache<string, number>({ max: maxDrivers });
  const positions = coalescedPositionWriter(opts.geo);

  const pending = () => positions.pending() + opts.history.size();

  return {
    pending,
    async ingest(driverId, points) {
      admit(points, opts.clock.now(), pending(), opts.maxPending);
      let last = lastFix.get(driverId) ?? null;
      if (!last) {
        const stored = await opts.geo.get(driverId).catch((err: unknown) => {
          throw indexUnavailable(err);
        });
        if (stored) last = { lat: stored.lat, lng: stored.lng, at: stored.at };
      }
      const r = filterPoints(last, points);
      if (r.last) lastFix.set(driverId, r.last);
      const newest = r.accepted.at(-1);
      if (newest) {
        const history = historyPoints(
          driverId,
          r.accepted,
          lastHistoryAt.get(driverId) ?? 0,
          opts.historyMs,
        );
        if (history.keep.length > 0) {
          lastHistoryAt.set(driverId, history.lastKeptAt);
          opts.history.add(history.keep);
        }
        try {
          await positions.write({ id: driverId, lat: newest.lat, lng: newest.lng, at: newest.at });
        } catch (err) {
          throw indexUnavailable(err);
        }
        opts.onPosition?.(driverId, { lat: newest.lat, lng: newest.lng, at: newest.at });
      }
      return {
        accepted: r.accepted.length,
        dropped: { out_of_order: r.outOfOrder, impossible_jump: r.impossibleJump },
      };
    },
  };
}
