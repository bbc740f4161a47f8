import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { uuidv7 } from 'uuidv7';
import type { PlatformContext } from '../context.ts';
import { AppError } from '../errors.ts';
import { registerIdempotency } from '../idempotency/idempotency-hook.ts';
import type { ModuleDefinition } from '../module.ts';
import { serveAsyncApi } from './asyncapi-route.ts';
import { type ApiKeyResolver, registerAuth } from './auth-hook.ts';
import { type HealthCheck, healthRoutes } from './health-routes.ts';
import { registerOpenApi, serveOpenApi } from './openapi.ts';
import { opsRoutes } from './ops-routes.ts';
import { errorHandler, sendProblem } from './problem.ts';
import { refuseUnstorableInput } from './unstorable.ts';
import './fastify-types.ts';

export interface HttpAppOptions {
  ctx: PlatformContext;
  modules: readonly ModuleDefinition[];
  resolveApiKey: ApiKeyResolver;
  readiness: HealthCheck;
  /** Per-module state for /health. */
  moduleStates: () => Record<string, string>;
}

const REQUEST_ID_RE = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Builds the API: schemas with `additionalProperties: false`, one problem+json error handler,
 * request ids, metrics, auth, idempotency, OpenAPI at /openapi.json and a reference at /docs.
 * The order of registration is the order requests pass the hooks.
 */
export async function createHttpApp(opts: HttpAppOptions): Promise<FastifyInstance> {
  const { ctx } = opts;
  const app = createFastify(ctx);
  app.setErrorHandler(errorHandler(ctx.logger));
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      new AppError('NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}`),
    ),
  );
  countRequests(app, ctx);
  await registerOpenApi(app);
  // WebSocket routes (driver channel, tracking) pass the same auth hook on their upgrade request.
  await app.register(websocket, { options: { maxPayload: 256 * 1024 } });
  registerAuth(app, ctx.tokens, opts.resolveApiKey);
  for (const m of opts.modules) await m.frontDoor?.(app, ctx);
  refuseUnstorableInput(app);
  registerIdempotency(app, ctx.db, ctx.logger);

  healthRoutes(app, ctx, opts);
  await app.register(async (scope) => opsRoutes(scope, ctx));
  for (const m of opts.modules) {
    const routes = m.routes;
    if (routes) await app.register(async (scope) => routes(scope, ctx));
  }
  await serveOpenApi(app);
  serveAsyncApi(app, opts.modules);
  await app.ready();
  return app;
}

function createFastify(ctx: PlatformContext): FastifyInstance {
  return Fastify({
    loggerInstance: ctx.logger as FastifyBaseLogger,
    // Per-request log lines only at debug: at peak load they would cost more than the requests.
    logController: new LogController({
      disableRequestLogging: ctx.config.logLevel !== 'debug' && ctx.config.logLevel !== 'trace',
    }),
    bodyLimit: ctx.config.bodyLimitBytes,
    trustProxy: true,
    requestIdHeader: false,
    genReqId: (req) => {
      const sent = req.headers['x-request-id'];
      return typeof sent === 'string' && REQUEST_ID_RE.test(sent) ? sent : uuidv7();
    },
    ajv: {
      customOptions: {
        removeAdditional: false,
        coerceTypes: 'array',
        useDefaults: true,
        allErrors: false,
      },
    },
    routerOptions: { maxParamLength: 200 },
    // The router's own refusals (a malformed %-escape, a path parameter over maxParamLength) would
    // otherwise bypass the error handler and answer plain JSON instead of problem+json.
    frameworkErrors: errorHandler(ctx.logger),
  }).withTypeProvider<TypeBoxTypeProvider>();
}

/** Echoes the request id and counts each response by route pattern and status. */
function countRequests(app: FastifyInstance, ctx: PlatformContext): void {
  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    ctx.metrics.httpRequests.inc({
      method: request.method,
      route,
      status: String(reply.statusCode),
    });
    ctx.metrics.httpDuration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
}
