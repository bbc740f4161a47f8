import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import AjvCompiler from '@fastify/ajv-compiler';
import websocket from '@fastify/websocket';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import { uuidv7 } from 'uuidv7';
import type { PlatformContext } from '../context.ts';
import { registerIdempotency } from '../idempotency/idempotency-hook.ts';
import type { ModuleDefinition } from '../module.ts';
import { createSocketTickets } from '../auth/socket-tickets.ts';
import { serveAsyncApi } from './asyncapi-route.ts';
import { type AccountCheck, type ApiKeyResolver, registerAuth } from './auth-hook.ts';
import { type HealthCheck, healthRoutes } from './health-routes.ts';
import { registerOpenApi, serveOpenApi } from './openapi.ts';
import { auditRoutes, auditSchemas } from './audit-routes.ts';
import { opsHealthRoutes, opsHealthSchemas } from './ops-health-routes.ts';
import { opsRoutes, opsSchemas } from './ops-routes.ts';
import { settingsGroupSchemas, settingsRoutes, settingsSchemas } from './settings-routes.ts';
import { checkResponsesAgainstContract } from './contract-check.ts';
import { completeRouteContracts } from './contract-defaults.ts';
import { clientErrorHandler, errorHandler } from './problem.ts';
import { observeRequests } from './request-log.ts';
import { registerNotFound } from './routing.ts';
import { sharedSchemaSerializers } from './serializers.ts';
import { chooseSubprotocol, collectSocketNames } from './socket-guard.ts';
import { ticketRoutes } from './ticket-routes.ts';
import { refuseUnstorableInput } from './unstorable.ts';
import { webAppRoutes } from './web-apps.ts';
import './fastify-types.ts';

export interface HttpAppOptions {
  ctx: PlatformContext;
  modules: readonly ModuleDefinition[];
  resolveApiKey: ApiKeyResolver;
  accountOpen: AccountCheck;
  readiness: HealthCheck;
  /** This process's liveness id (live_processes): what it claims is freed soon after it dies. */
  processId: string;
  /** Per-module state for /health. */
  moduleStates: () => Record<string, string>;
  /** Where the built web apps are (`web/dist` by default), served at `/app/<name>/`. */
  webDist?: string;
}

const REQUEST_ID_RE = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Builds the API: schemas with `additionalProperties: false`, one problem+json error handler,
 * request ids, metrics, auth, idempotency, OpenAPI at /openapi.json and a reference at /docs, and
 * the web apps at /app/<name>/.
 * The order of registration is the order requests pass the hooks.
 */
export async function createHttpApp(opts: HttpAppOptions): Promise<FastifyInstance> {
  const { ctx } = opts;
  const app = createFastify(ctx);
  app.setErrorHandler(errorHandler(ctx.logger));
  registerNotFound(app);
  observeRequests(app, ctx.metrics);
  completeRouteContracts(app);
  checkResponsesAgainstContract(app);
  await registerOpenApi(
    app,
    opts.modules.flatMap((m) => m.apiTags ?? []),
  );
  // WebSocket routes (driver channel, tracking) pass the same auth hook on their upgrade request,
  // which also checks the Origin and takes a browser's subprotocol bearer or ticket.
  await app.register(websocket, {
    options: { maxPayload: 256 * 1024, handleProtocols: chooseSubprotocol },
  });
  const sockets = collectSocketNames(app);
  const { ticketTtlS, allowedOrigins } = ctx.config.sockets;
  const tickets = createSocketTickets({ db: ctx.db, clock: ctx.clock, ttlS: ticketTtlS });
  registerAuth(app, {
    tokens: ctx.tokens,
    resolveApiKey: opts.resolveApiKey,
    accountOpen: opts.accountOpen,
    tickets,
    allowedOrigins,
  });
  for (const m of opts.modules) await m.frontDoor?.(app, ctx);
  refuseUnstorableInput(app);
  registerIdempotency(app, ctx.db, ctx.logger, opts.processId);

  const settingsGroups = opts.modules.flatMap((m) => m.settings ?? []);
  // Each named schema once: a group's value may be a module's schema too (the gateway's policy).
  const named = new Set([
    ...[...opsSchemas, ...auditSchemas, ...opsHealthSchemas, ...settingsSchemas],
    ...opts.modules.flatMap((m) => m.schemas ?? []),
    ...settingsGroupSchemas(settingsGroups),
  ]);
  for (const s of named) app.addSchema(s);
  healthRoutes(app, ctx, opts);
  await app.register(async (scope) => opsRoutes(scope, ctx));
  await app.register(async (scope) => auditRoutes(scope, ctx));
  await app.register(async (scope) =>
    opsHealthRoutes(scope, ctx, {
      moduleStates: opts.moduleStates,
      queues: opts.modules.flatMap((m) => m.queues?.(ctx) ?? []),
      processId: opts.processId,
    }),
  );
  await app.register(async (scope) => settingsRoutes(scope, ctx, settingsGroups));
  for (const m of opts.modules) {
    const routes = m.routes;
    if (routes) await app.register(async (scope) => routes(scope, ctx));
  }
  await app.register(async (scope) =>
    ticketRoutes(scope, { tickets, sockets: [...sockets], ttlS: ticketTtlS }),
  );
  await serveOpenApi(app);
  serveAsyncApi(app, opts.modules);
  webAppRoutes(app, opts.webDist);
  await app.ready();
  return app;
}

function createFastify(ctx: PlatformContext): FastifyInstance {
  return Fastify({
    loggerInstance: ctx.logger as FastifyBaseLogger,
    // Fastify's own two lines per request only at debug; the access line (observeRequests) is one.
    logController: new LogController({
      disableRequestLogging: ctx.config.logLevel !== 'debug' && ctx.config.logLevel !== 'trace',
    }),
    bodyLimit: ctx.config.bodyLimitBytes,
    // Only named proxies are believed: anyone can send X-Forwarded-For.
    trustProxy: ctx.config.trustedProxies.length > 0 ? ctx.config.trustedProxies : false,
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
    schemaController: {
      compilersFactory: {
        buildValidator: strictBodies() as never,
        buildSerializer: sharedSchemaSerializers() as never,
      },
    },
    clientErrorHandler,
    routerOptions: { maxParamLength: 200 },
    // The router's own refusals (a malformed %-escape, a path parameter over maxParamLength) would
    // otherwise bypass the error handler and answer plain JSON instead of problem+json.
    frameworkErrors: errorHandler(ctx.logger),
  }).withTypeProvider<TypeBoxTypeProvider>();
}

/**
 * Query strings, path parameters and headers are text, so their values are parsed into the
 * declared types; a JSON body is taken as sent: `"2"`, `true` or `null` where a number is declared
 * is a 400, never silently converted.
 */
function strictBodies() {
  const parsing = AjvCompiler();
  const asSent = AjvCompiler();
  type Options = { customOptions: Record<string, unknown> };
  return (externalSchemas: Parameters<typeof parsing>[0], options?: unknown) => {
    const opts = options as Options;
    const text = parsing(externalSchemas, opts as never);
    const json = asSent(externalSchemas, {
      ...opts,
      customOptions: { ...opts.customOptions, coerceTypes: false },
    } as never);
    return (route: { httpPart?: string }) =>
      route.httpPart === 'body' ? json(route as never) : text(route as never);
  };
}
