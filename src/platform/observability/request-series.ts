import {
  addDuration,
  type LatencySketch,
  mergeSketch,
  newSketch,
  quantile,
} from './latency-sketch.ts';

/**
 * This process's last hour of traffic, per minute, kept in memory (a ring of one-minute buckets):
 * per route (method and route pattern) the requests, the 4xx and 5xx answers and a latency sketch
 * for the p99; and the requests the rate limiter refused, by budget (policy) and tier. Fed by the
 * request hook and the gateway; read by `GET /v1/ops/health/series`. Nothing leaves the process:
 * several processes each keep their own.
 */
export interface RequestSeries {
  request(method: string, route: string, status: number, ms: number): void;
  rateLimited(policy: string, tier: string): void;
  /** The last `minutes` minutes (at most the ring's), oldest first, the current one last. */
  read(minutes: number): SeriesView;
}

export interface MinuteCounts {
  requests: number[];
  errors_4xx: number[];
  errors_5xx: number[];
  /** Null for a minute without requests. */
  p99_ms: Array<number | null>;
}

export interface RouteSeries extends MinuteCounts {
  method: string;
  route: string;
  /** Over the whole window. */
  total: { requests: number; errors_4xx: number; errors_5xx: number; p99_ms: number | null };
}

export interface RejectionSeries {
  policy: string;
  tier: string;
  rejections: number;
  per_minute: number[];
}

export interface SeriesView {
  /** The start of the first minute. */
  from: string;
  bucket_s: number;
  minutes: number;
  /** Every route together. */
  all: MinuteCounts & { total: RouteSeries['total'] };
  /** Routes with requests in the window, most requested first. */
  routes: RouteSeries[];
  rate_limited: RejectionSeries[];
}

interface Counts {
  requests: number;
  errors4xx: number;
  errors5xx: number;
  latency: LatencySketch;
}

interface Minute {
  /** Epoch minute this bucket holds. */
  at: number;
  routes: Map<string, Counts>;
  all: Counts;
  rejected: Map<string, number>;
}

const MINUTE_MS = 60_000;
/** Distinct routes per minute; beyond it requests count under one `*` key (routes are patterns). */
const MAX_ROUTES = 1_000;
const SEP = ' ';

const newCounts = (): Counts => ({ requests: 0, errors4xx: 0, errors5xx: 0, latency: newSketch() });

function count(c: Counts, status: number, ms: number): void {
  c.requests += 1;
  if (status >= 500) c.errors5xx += 1;
  else if (status >= 400) c.errors4xx += 1;
  addDuration(c.latency, ms);
}

function merge(into: Counts, from: Counts): void {
  into.requests += from.requests;
  into.errors4xx += from.errors4xx;
  into.errors5xx += from.errors5xx;
  mergeSketch(into.latency, from.latency);
}

const p99 = (c: Counts | undefined) => {
  const v = c ? quantile(c.latency, 0.99) : null;
  return v === null ? null : Math.round(v * 100) / 100;
};

const totalOf = (c: Counts) => ({
  requests: c.requests,
  errors_4xx: c.errors4xx,
  errors_5xx: c.errors5xx,
  p99_ms: p99(c),
});

function minuteCounts(per: Array<Counts | undefined>): MinuteCounts {
  return {
    requests: per.map((c) => c?.requests ?? 0),
    errors_4xx: per.map((c) => c?.errors4xx ?? 0),
    errors_5xx: per.map((c) => c?.errors5xx ?? 0),
    p99_ms: per.map(p99),
  };
}

export function createRequestSeries(opts: { now: () => number; minutes?: number }): RequestSeries {
  const size = opts.minutes ?? 60;
  const ring: Array<Minute | undefined> = new Array(size);

  /** The bucket of the current minute, emptied first when it last held an older one. */
  function current(): Minute {
    const at = Math.floor(opts.now() / MINUTE_MS);
    const slot = ((at % size) + size) % size;
    let m = ring[slot];
    if (m?.at !== at) {
      m = { at, routes: new Map(), all: newCounts(), rejected: new Map() };
      ring[slot] = m;
    }
    return m;
  }

  return {
    request(method, route, status, ms) {
      const m = current();
      let key = `${method}${SEP}${route}`;
      if (!m.routes.has(key) && m.routes.size >= MAX_ROUTES) key = `*${SEP}*`;
      let c = m.routes.get(key);
      if (!c) m.routes.set(key, (c = newCounts()));
      count(c, status, ms);
      count(m.all, status, ms);
    },
    rateLimited(policy, tier) {
      const rejected = current().rejected;
      const key = `${policy}${SEP}${tier}`;
      rejected.set(key, (rejected.get(key) ?? 0) + 1);
    },
    read(minutes) {
      const n = Math.max(1, Math.min(size, Math.floor(minutes)));
      const last = current().at;
      const window: Array<Minute | undefined> = [];
      for (let at = last - n + 1; at <= last; at++) {
        const m = ring[((at % size) + size) % size];
        window.push(m?.at === at ? m : undefined);
      }
      return {
        from: new Date((last - n + 1) * MINUTE_MS).toISOString(),
        bucket_s: MINUTE_MS / 1000,
        minutes: n,
        all: allOf(window),
        routes: routesOf(window),
        rate_limited: rejectionsOf(window),
      };
    },
  };
}

function allOf(window: Array<Minute | undefined>): SeriesView['all'] {
  const sum = newCounts();
  for (const m of window) if (m) merge(sum, m.all);
  return { total: totalOf(sum), ...minuteCounts(window.map((m) => m?.all)) };
}

function routesOf(window: Array<Minute | undefined>): RouteSeries[] {
  const keys = new Set(window.flatMap((m) => (m ? [...m.routes.keys()] : [])));
  const out: RouteSeries[] = [];
  for (const key of keys) {
    const per = window.map((m) => m?.routes.get(key));
    const sum = newCounts();
    for (const c of per) if (c) merge(sum, c);
    const [method = '', route = ''] = key.split(SEP);
    out.push({ method, route, total: totalOf(sum), ...minuteCounts(per) });
  }
  return out.sort((a, b) => b.total.requests - a.total.requests || a.route.localeCompare(b.route));
}

function rejectionsOf(window: Array<Minute | undefined>): RejectionSeries[] {
  const keys = new Set(window.flatMap((m) => (m ? [...m.rejected.keys()] : [])));
  const out: RejectionSeries[] = [];
  for (const key of keys) {
    const per = window.map((m) => m?.rejected.get(key) ?? 0);
    const [policy = '', tier = ''] = key.split(SEP);
    out.push({ policy, tier, rejections: per.reduce((a, b) => a + b, 0), per_minute: per });
  }
  return out.sort((a, b) => b.rejections - a.rejections || a.policy.localeCompare(b.policy));
}
