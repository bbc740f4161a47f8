import type { LocationFix } from '@lastmile/client';
import type { LocationQueue } from './location-queue.ts';

/** A position every 5 s while the driver works. */
export const REPORT_EVERY_MS = 5_000;

export type GeoState = 'off' | 'waiting' | 'ok' | 'denied';

/**
 * A report of where the phone is now. Its time is when it was read, not the fix's own: a phone
 * that has not moved repeats its last fix (same timestamp), and the driver standing still must
 * still count as a fresh, present driver.
 */
function toFix(p: GeolocationPosition): LocationFix {
  const c = p.coords;
  return {
    lat: c.latitude,
    lng: c.longitude,
    recorded_at: new Date(Math.max(p.timestamp, Date.now())).toISOString(),
    ...(Number.isFinite(c.accuracy) ? { accuracy_m: Math.min(c.accuracy, 10_000) } : {}),
    ...(c.heading !== null && Number.isFinite(c.heading) ? { heading_deg: c.heading % 360 } : {}),
    ...(c.speed !== null && Number.isFinite(c.speed) ? { speed_mps: c.speed } : {}),
  };
}

/**
 * Reads the phone's position (Geolocation API) every 5 s while started, queues each fix and asks
 * for the queue to be sent. `now()` takes a fix at once (before a step, so the API knows where the
 * driver is when it checks the geofence).
 */
export function locationReporter(queue: LocationQueue, flush: () => void) {
  let timer: ReturnType<typeof setInterval> | undefined;
  let last: LocationFix | null = null;
  let geo: GeoState = 'off';
  const listeners = new Set<() => void>();
  const notify = () => listeners.forEach((fn) => fn());
  const setGeo = (g: GeoState) => {
    if (g === geo) return;
    geo = g;
    notify();
  };

  const sample = () =>
    new Promise<LocationFix | null>((done) => {
      if (!('geolocation' in navigator)) return done(null);
      navigator.geolocation.getCurrentPosition(
        (p) => {
          const fix = toFix(p);
          last = fix;
          geo = 'ok';
          notify();
          queue.add(fix);
          flush();
          done(fix);
        },
        (err) => {
          if (err.code === err.PERMISSION_DENIED) setGeo('denied');
          done(null);
        },
        { enableHighAccuracy: true, maximumAge: 0, timeout: 4_000 },
      );
    });

  return {
    get last() {
      return last;
    },
    get geo() {
      return geo;
    },
    /** `fn` is called on each fix and each change of `geo`. */
    subscribe(fn: () => void) {
      listeners.add(fn);
      return () => void listeners.delete(fn);
    },
    start() {
      if (timer) return;
      setGeo('waiting');
      void sample();
      timer = setInterval(() => void sample(), REPORT_EVERY_MS);
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
      setGeo('off');
    },
    now: sample,
  };
}

export type LocationReporter = ReturnType<typeof locationReporter>;
