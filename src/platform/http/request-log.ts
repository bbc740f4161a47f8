import type { FastifyInstance } from 'fastify';
import type { Metrics } from '../observability/metrics.ts';

/**
 * Echoes the request id, counts each response by route pattern and status (in the metrics and in
 * the hour's series per minute), and writes the access line at info: method, route pattern (never
 * the URL, whose query may carry a socket ticket), status and milliseconds, under the request's id.
 */
export function observeRequests(app: FastifyInstance, metrics: Metrics): void {
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    metrics.httpRequests.inc({ method: request.method, route, status: String(status) });
    metrics.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
    metrics.series.request(request.method, route, status, reply.elapsedTime);
    request.log.info(
      { method: request.method, route, status, ms: Math.round(reply.elapsedTime * 10) / 10 },
      'request',
    );
  });
}
