import { BrokenCircuitError, ConsecutiveBreaker, circuitBreaker, handleAll } from 'cockatiel';
import { DeadlineError, withDeadline } from '../../platform/deadline.ts';
import type { Traveller } from './conditions.ts';
import type { Leg, LegTime, TravelTimes } from './travel-times.ts';

/** Why a leg was answered by the fallback instead of the routing service. */
export type RoutingMiss = 'timeout' | 'status' | 'error' | 'no_route' | 'breaker_open';

export interface OsrmOptions {
  /** The service's base URL: `{url}/route/v1/{profile}/{lng},{lat};{lng},{lat}` is asked. */
  url: string;
  /** A leg not answered within this is answered by the fallback (the request is abandoned). */
  timeoutMs: number;
  /** Who answers when the service does not: the straight line. */
  fallback: TravelTimes;
  /** Each fallback, with its reason; `ok` for each answer the service gave. */
  onAnswer?: (outcome: RoutingMiss | 'ok', err?: unknown) => void;
  /** Consecutive failures after which the service is not asked for `halfOpenAfterMs`. */
  breakAfter?: number;
  halfOpenAfterMs?: number;
  fetch?: typeof fetch;
}

/**
 * OSRM's profile names per traveller. A single-profile OSRM server ignores the name and answers
 * from the profile it was built with.
 */
const PROFILE: Record<Traveller, string> = {
  bike: 'cycling',
  scooter: 'driving',
  car: 'driving',
  fleet: 'driving',
};

/** The service answered, but not with a route (an error status, an unknown body). */
class RoutingAnswerError extends Error {}

const coord = (p: { lat: number; lng: number }) => `${p.lng.toFixed(6)},${p.lat.toFixed(6)}`;

/**
 * The routing adapter: one `route` request per leg to an OSRM-compatible service, under a hard
 * deadline and a circuit breaker (cockatiel): a slow, failing or absent service costs a leg at most
 * `timeoutMs` and nothing while the breaker is open, and the leg is answered by the fallback. A
 * route the service says does not exist (`NoRoute`) is answered by the fallback too, but does not
 * count against the service.
 */
export function osrmTravel(o: OsrmOptions): TravelTimes {
  const base = o.url.replace(/\/+$/, '');
  const doFetch = o.fetch ?? fetch;
  const breaker = circuitBreaker(handleAll, {
    halfOpenAfter: o.halfOpenAfterMs ?? 10_000,
    breaker: new ConsecutiveBreaker(o.breakAfter ?? 5),
  });

  async function ask(l: Leg): Promise<LegTime | null> {
    const abort = new AbortController();
    const url = `${base}/route/v1/${PROFILE[l.who]}/${coord(l.from)};${coord(l.to)}?overview=false`;
    const request = (async () => {
      const res = await doFetch(url, { signal: abort.signal });
      if (!res.ok) {
        await res.body?.cancel().catch(() => undefined);
        throw new RoutingAnswerError(`routing answered ${res.status}`);
      }
      const body = (await res.json()) as {
        code?: string;
        routes?: Array<{ duration?: unknown; distance?: unknown }>;
      };
      if (body.code === 'NoRoute') return null;
      const route = body.routes?.[0];
      const seconds = Number(route?.duration);
      const metres = Number(route?.distance);
      if (body.code !== 'Ok' || !Number.isFinite(seconds) || !Number.isFinite(metres))
        throw new RoutingAnswerError(`routing answered ${String(body.code)} without a route`);
      return {
        seconds: Math.max(0, seconds),
        metres: Math.max(0, metres),
        source: 'osrm' as const,
      };
    })();
    try {
      return await withDeadline(request, o.timeoutMs, 'routing');
    } catch (err) {
      abort.abort();
      request.catch(() => undefined);
      throw err;
    }
  }

  return {
    name: 'osrm',
    async leg(l) {
      let miss: RoutingMiss;
      let cause: unknown;
      try {
        const answer = await breaker.execute(() => ask(l), new AbortController().signal);
        if (answer) {
          o.onAnswer?.('ok');
          return answer;
        }
        miss = 'no_route';
      } catch (err) {
        cause = err;
        miss =
          err instanceof BrokenCircuitError
            ? 'breaker_open'
            : err instanceof DeadlineError
              ? 'timeout'
              : err instanceof RoutingAnswerError
                ? 'status'
                : 'error';
      }
      o.onAnswer?.(miss, cause);
      return o.fallback.leg(l);
    },
  };
}
