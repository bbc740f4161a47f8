import swagger from '@fastify/swagger';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import scalar from '@scalar/fastify-api-reference';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { uuidv7 } from 'uuidv7';
import type { PlatformContext } from '../context.ts';
import { AppError } from '../errors.ts';
import websocket from '@fastify/websocket';
import { registerIdempotency } from '../idempotency/idempotency-hook.ts';
import type { ModuleDefinition } from '../module.ts';
import { type ApiKeyResolver, registerAuth } from './auth-hook.ts';
import { opsRoutes } from './ops-routes.ts';
import { errorHandler, sendProblem } from './problem.ts';
import './fastify-types.ts';

export type HealthCheck = () => Promise<Record<string, { ok: boolean; detail?: string }>>;

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
 * Where validated input holds a value Postgres cannot store: U+0000 in a string (text and jsonb
 * refuse it), or a number that is not finite (ajv coerces the string "Infinity" to a number, and
 * its minimum/maximum checks skip non-finite numbers). Objects and arrays are walked; streams and
 * buffers are not.
 */
function unstorableAt(value: unknown, root: string): { path: string; message: string } | null {
  const stack: Array<[unknown, string]> = [[value, root]];
  while (stack.length > 0) {
    const [v, path] = stack.pop() as [unknown, string];
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return { path, message: 'must not contain U+0000' };
    } else if (typeof v === 'number') {
      if (!Number.isFinite(v)) return { path, message: 'must be a finite number' };
    } else if (Array.isArray(v)) {
      v.forEach((x, i) => stack.push([x, `${path}.${i}`]));
    } else if (
      v !== null &&
      typeof v === 'object' &&
      !ArrayBuffer.isView(v) &&
      typeof (v as { pipe?: unknown }).pipe !== 'function'
    ) {
      for (const [k, x] of Object.entries(v)) {
        if (k.includes('\u0000')) return { path, message: 'must not contain U+0000' };
        stack.push([x, `${path}.${k}`]);
      }
    }
  }
  return null;
}

/**
 * Builds the API: schemas with `additionalProperties: false`, one problem+json error handler,
 * request ids, metrics, auth, idempotency, OpenAPI at /openapi.json and a reference at /docs.
 */
export async function createHttpApp(opts: HttpAppOptions): Promise<FastifyInstance> {
  const { ctx } = opts;
  const app = Fastify({
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

  app.setErrorHandler(errorHandler(ctx.logger));
  app.setNotFoundHandler((request, reply) =>
    sendProblem(
      reply,
      new AppError('NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0]}`),
    ),
  );

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

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'lastmile API',
        version: '0.1.0',
        description:
          'Local delivery platform: stores, stock, orders, payments, dispatch and live tracking. Errors are application/problem+json with a stable `code`. Mutating routes accept `Idempotency-Key`.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
          apiKey: { type: 'apiKey', in: 'header', name: 'X-Api-Key' },
        },
      },
    },
    transform: ({ schema, url, route }) => {
      const auth = route.config?.auth;
      const out = { ...(schema ?? {}) } as Record<string, unknown>;
      if (auth && auth !== 'public') {
        out.security = [{ bearer: [] }, { apiKey: [] }];
        if (Array.isArray(auth))
          out.description =
            `${(out.description as string) ?? ''}\n\nRoles: ${auth.join(', ')}`.trim();
      }
      return { schema: out as never, url };
    },
  });

  // WebSocket routes (driver channel, tracking) pass the same auth hook on their upgrade request.
  await app.register(websocket, { options: { maxPayload: 256 * 1024 } });
  registerAuth(app, ctx.tokens, opts.resolveApiKey);
  for (const m of opts.modules) await m.frontDoor?.(app, ctx);
  // Refused here, naming the field, instead of failing (500) at whichever statement would have
  // stored or compared the value. After validation (and its coercion), before idempotency.
  app.addHook('preHandler', async (request) => {
    const bad =
      unstorableAt(request.params, 'params') ??
      unstorableAt(request.query, 'querystring') ??
      unstorableAt(request.body, 'body');
    if (bad)
      throw new AppError('VALIDATION_FAILED', `${bad.path}: ${bad.message}`, {
        details: { errors: [bad] },
      });
  });
  registerIdempotency(app, ctx.db, ctx.logger);

  app.get('/health', { config: { auth: 'public' }, schema: { hide: true } }, async () => ({
    status: 'ok',
    instance: ctx.config.instanceId,
    roles: ctx.config.roles,
    modules: opts.moduleStates(),
  }));
  app.get('/ready', { config: { auth: 'public' }, schema: { hide: true } }, async (_req, reply) => {
    const checks = await opts.readiness();
    const ok = Object.values(checks).every((c) => c.ok);
    if (!ok) reply.code(503).header('retry-after', '2');
    return { status: ok ? 'ready' : 'not_ready', checks, modules: opts.moduleStates() };
  });
  app.get(
    '/metrics',
    { config: { auth: 'public' }, schema: { hide: true } },
    async (_req, reply) => {
      reply.type(ctx.metrics.registry.contentType);
      return ctx.metrics.registry.metrics();
    },
  );
  app.get('/openapi.json', { config: { auth: 'public' }, schema: { hide: true } }, async () =>
    app.swagger(),
  );

  await app.register(async (scope) => opsRoutes(scope, ctx));
  for (const m of opts.modules) {
    const routes = m.routes;
    if (routes) await app.register(async (scope) => routes(scope, ctx));
  }
  await app.register(scalar, {
    routePrefix: '/docs',
    configuration: { url: '/openapi.json', title: 'lastmile API' },
  });
  await app.ready();
  return app;
}
