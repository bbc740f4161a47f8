import type { FastifyInstance, FastifyRequest } from 'fastify';
import { isOpsAdmin, type Principal, type RouteAuth } from '../auth/principal.ts';
import type { TokenIssuer } from '../auth/tokens.ts';
import { AppError } from '../errors.ts';
import {
  checkOrigin,
  refuseTicketOutsideSockets,
  type SocketAuthDeps,
  takeTicket,
  upgradeCaller,
  upgradeRequired,
} from './socket-guard.ts';

export type ApiKeyResolver = (key: string) => Promise<Principal | null>;
/**
 * Whether a signed-in user's account still holds: a token outlives the account it was issued to
 * (closed, erased) until it expires, so each request asks. Partners are not asked.
 */
export type AccountCheck = (p: Principal) => Promise<boolean>;

const CLOSED = 'This account is closed; its tokens no longer work';

/**
 * Authenticates every request from `Authorization: Bearer <jwt>` or `X-Api-Key`, then checks the
 * route's declared `auth`. Missing or bad credentials are 401; a valid caller of the wrong role 403.
 * The upgrade of a WebSocket route (`config.socket`) has its Origin checked first and may also sign
 * in the ways a browser can (socket-guard.ts); the route called as plain HTTP is 426 after auth.
 */
export function registerAuth(
  app: FastifyInstance,
  deps: SocketAuthDeps & { resolveApiKey: ApiKeyResolver; accountOpen: AccountCheck },
): void {
  app.decorateRequest('principal', null);
  app.addHook('onRoute', (route) => {
    if (route.config?.auth === undefined && !route.url.startsWith('/docs')) {
      throw new Error(`route ${route.method} ${route.url} must declare config.auth`);
    }
    const auth = route.config?.auth;
    if (route.config?.opsLevel && !(Array.isArray(auth) && auth.includes('ops')))
      throw new Error(`route ${route.method} ${route.url} names an ops level but not ops`);
  });
  app.addHook('onRequest', async (request) => {
    const auth: RouteAuth = request.routeOptions.config?.auth ?? 'public';
    const route = request.routeOptions.config?.socket;
    // The upgrade of a socket route: its Origin is checked before any ticket is spent.
    const socket = request.ws ? route : undefined;
    if (socket) checkOrigin(request, deps.allowedOrigins);
    const ticket = socket ? takeTicket(request) : undefined;
    request.principal = await authenticate(request, deps, auth === 'public');
    if (auth === 'public') return;
    if (!request.principal && socket) {
      request.principal = await upgradeCaller(request, socket, ticket, deps);
      if (request.principal && !(await deps.accountOpen(request.principal)))
        throw new AppError('UNAUTHENTICATED', CLOSED);
    }
    if (!request.principal) {
      if (!socket) refuseTicketOutsideSockets(request);
      throw new AppError(
        'UNAUTHENTICATED',
        socket
          ? 'Send a bearer token (Authorization, or the bearer.<token> subprotocol) or a ?ticket='
          : 'Send a bearer token (POST /v1/auth/token) or an X-Api-Key',
      );
    }
    if (auth !== 'authenticated' && !auth.includes(request.principal.role)) {
      throw new AppError(
        'FORBIDDEN',
        `This route is for ${auth.join(', ')}; you are signed in as ${request.principal.role}`,
      );
    }
    if (request.routeOptions.config?.opsLevel === 'admin')
      refuseUnlessOpsAdmin(request.principal, 'This route');
    if (route && !socket) throw upgradeRequired();
  });
}

/**
 * Whether a caller passes a route's `config.opsLevel`: with `admin`, an ops caller must be an
 * admin; callers of other roles pass (the route's roles decide for them). A view that says what
 * its caller may do (`can_change`) asks this with the route's level.
 */
export const meetsOpsLevel = (p: Principal, level: 'admin' | undefined): boolean =>
  level === undefined || p.role !== 'ops' || isOpsAdmin(p);

/**
 * Refuses an ops caller below the admin level (403 OPS_ADMIN_REQUIRED); callers of other roles
 * pass. Routes declare it (`config.opsLevel`); a route whose rule depends on the request (a refund
 * above the limit) calls this itself.
 */
export function refuseUnlessOpsAdmin(p: Principal, what: string): void {
  if (!meetsOpsLevel(p, 'admin'))
    throw new AppError(
      'OPS_ADMIN_REQUIRED',
      `${what} needs an ops admin; you are signed in as an ops ${p.opsLevel ?? 'agent'}`,
    );
}

async function authenticate(
  request: FastifyRequest,
  deps: { tokens: TokenIssuer; resolveApiKey: ApiKeyResolver; accountOpen: AccountCheck },
  optional: boolean,
): Promise<Principal | null> {
  const header = request.headers.authorization;
  const apiKey = request.headers['x-api-key'];
  try {
    if (typeof header === 'string' && header.length > 0) {
      const m = /^Bearer\s+(\S+)$/i.exec(header);
      if (!m?.[1]) throw new AppError('UNAUTHENTICATED', 'Authorization must be "Bearer <token>"');
      const user = await deps.tokens.verify(m[1]);
      if (!(await deps.accountOpen(user))) throw new AppError('UNAUTHENTICATED', CLOSED);
      return user;
    }
    if (typeof apiKey === 'string' && apiKey.length > 0) {
      const p = await deps.resolveApiKey(apiKey);
      if (!p) throw new AppError('UNAUTHENTICATED', 'The API key is not valid or has been revoked');
      return p;
    }
  } catch (err) {
    // On a public route bad credentials are ignored rather than failing a call that needs none.
    if (optional) return null;
    throw err;
  }
  return null;
}

/**
 * The caller of a route that requires one. The auth hook has already refused anonymous calls to
 * such routes; this only turns that guarantee into a type (and fails closed if a route says public).
 */
export function callerOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('UNAUTHENTICATED', 'Sign in first');
  return request.principal;
}
