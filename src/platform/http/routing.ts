import FindMyWay, { type HTTPMethod } from 'find-my-way';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { AppError } from '../errors.ts';
import { sendProblem } from './problem.ts';

const METHODS: HTTPMethod[] = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];

/**
 * Answers a request no route matched: 405 with `Allow` when the path exists under other methods,
 * 404 otherwise. Keeps its own index of the routes' patterns to tell the two apart.
 */
export function registerNotFound(app: FastifyInstance): void {
  const index = FindMyWay({ ignoreTrailingSlash: false, maxParamLength: 200 });
  const noop = () => undefined;
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const m of methods) {
      if (!index.hasRoute(m as HTTPMethod, route.url)) index.on(m as HTTPMethod, route.url, noop);
    }
  });
  app.setNotFoundHandler((request: FastifyRequest, reply: FastifyReply) => {
    const path = request.url.split('?')[0] ?? request.url;
    const allowed = METHODS.filter((m) => index.find(m, path, {}) !== null);
    if (allowed.length > 0) {
      reply.header('allow', allowed.join(', '));
      return sendProblem(
        reply,
        new AppError(
          'METHOD_NOT_ALLOWED',
          `${request.method} is not allowed on ${path}; use ${allowed.join(', ')}`,
        ),
      );
    }
    return sendProblem(reply, new AppError('NOT_FOUND', `No route ${request.method} ${path}`));
  });
}
