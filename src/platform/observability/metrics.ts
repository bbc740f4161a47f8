import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { createRequestSeries, type RequestSeries } from './request-series.ts';

/**
 * One registry per running platform (tests start several in one process), holding the platform's
 * own instruments; modules add theirs with `registry`.
 */
export interface Metrics {
  registry: Registry;
  httpRequests: Counter<'method' | 'route' | 'status'>;
  httpDuration: Histogram<'method' | 'route'>;
  eventsPublished: Counter<string>;
  eventsHandled: Counter<'consumer' | 'outcome'>;
  /** The last hour of requests and rate-limit refusals, per minute, in memory (ops' health screen). */
  series: RequestSeries;
}

export function createMetrics(
  opts: { defaultMetrics?: boolean; now?: () => number } = {},
): Metrics {
  const registry = new Registry();
  if (opts.defaultMetrics !== false) collectDefaultMetrics({ register: registry });
  return {
    registry,
    series: createRequestSeries({ now: opts.now ?? Date.now }),
    httpRequests: new Counter({
      name: 'lastmile_http_requests_total',
      help: 'HTTP requests by route and status',
      labelNames: ['method', 'route', 'status'],
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'lastmile_http_request_duration_seconds',
      help: 'HTTP request duration',
      labelNames: ['method', 'route'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    eventsPublished: new Counter({
      name: 'lastmile_outbox_published_total',
      help: 'Events moved from the outbox to the bus',
      registers: [registry],
    }),
    eventsHandled: new Counter({
      name: 'lastmile_events_handled_total',
      help: 'Events handled by consumers, by outcome',
      labelNames: ['consumer', 'outcome'],
      registers: [registry],
    }),
  };
}
