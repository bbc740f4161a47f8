import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Principal } from '../auth/principal.ts';
import type { SocketTickets } from '../auth/socket-tickets.ts';
import type { TokenIssuer } from '../auth/tokens.ts';
import { AppError } from '../errors.ts';
import './fastify-types.ts';

/**
 * What a WebSocket upgrade passes besides the usual auth, before anything is upgraded:
 * - the browser's Origin: none (not a browser), the API's own, or one of the allowed ones (403);
 * - credentials a browser can send: `Sec-WebSocket-Protocol: lastmile.v1, bearer.<jwt>` (the answer
 *   names `lastmile.v1` only, never the token) or a single-use `?ticket=` from
 *   `POST /v1/realtime/tickets`. `Authorization` and `X-Api-Key` keep working for other clients.
 * A ticket opens sockets only: on any other request it authenticates nobody.
 */
export const SUBPROTOCOL = 'lastmile.v1';
const BEARER_PREFIX = 'bearer.';

export interface SocketAuthDeps {
  tickets: SocketTickets;
  tokens: TokenIssuer;
  /** Normalized origins allowed besides the API's own; `*` allows any. */
  allowedOrigins: readonly string[];
}

/** ws's `handleProtocols`: the one subprotocol this API speaks, whatever else was offered. */
export function chooseSubprotocol(offered: Set<string>): string | false {
  return offered.has(SUBPROTOCOL) ? SUBPROTOCOL : false;
}

/**
 * Every WebSocket route names its socket (`config.socket`), which a ticket may be bound to; the
 * names declared so far (the ticket route, mounted after the modules, offers them).
 */
export function collectSocketNames(app: FastifyInstance): ReadonlySet<string> {
  const names = new Set<string>();
  app.addHook('onRoute', (route) => {
    if (!route.websocket) return;
    const name = route.config?.socket;
    if (!name) throw new Error(`WebSocket route ${route.url} must declare config.socket`);
    names.add(name);
  });
  return names;
}

/** Same origin means the Origin's host (and port) is the one the request was sent to. */
export function originAllowed(
  origin: string | undefined,
  host: string,
  allowed: readonly string[],
): boolean {
  if (origin === undefined) return true;
  if (allowed.includes('*')) return true;
  let from: URL;
  try {
    from = new URL(origin);
  } catch {
    return false; // `null` (sandboxed frames, files) and anything unparsable
  }
  if (from.protocol !== 'http:' && from.protocol !== 'https:') return false;
  if (allowed.includes(from.origin)) return true;
  try {
    return new URL(`${from.protocol}//${host}`).host === from.host;
  } catch {
    return false;
  }
}

/** Refuses, before the upgrade, a page of an origin that may not open sockets (403). */
export function checkOrigin(request: FastifyRequest, allowed: readonly string[]): void {
  const origin = request.headers.origin;
  if (!originAllowed(origin, request.host, allowed)) {
    throw new AppError('FORBIDDEN', `WebSocket connections from ${origin} are not allowed`);
  }
}

/** A socket route called as plain HTTP (after its auth, so a stranger still learns nothing). */
export function upgradeRequired(): AppError {
  return new AppError(
    'UPGRADE_REQUIRED',
    'This route is a WebSocket: open it with an Upgrade request (messages: /asyncapi.json)',
  );
}

/** The offered subprotocols, in order. */
function offeredProtocols(request: FastifyRequest): string[] {
  const header = request.headers['sec-websocket-protocol'];
  const values = Array.isArray(header) ? header.join(',') : (header ?? '');
  return values
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
}

/** Takes the ticket out of an upgrade's query, so the route's own query schema never sees it. */
export function takeTicket(request: FastifyRequest): string | undefined {
  const query = request.query as Record<string, unknown> | undefined;
  const ticket = query?.ticket;
  if (query && 'ticket' in query) delete query.ticket;
  if (ticket === undefined) return undefined;
  if (typeof ticket !== 'string') throw new AppError('UNAUTHENTICATED', 'Send one ticket');
  return ticket;
}

/**
 * The caller of a socket upgrade that sent neither `Authorization` nor `X-Api-Key`: from a bearer
 * subprotocol, else a ticket (consumed here, whatever the route then decides); null with neither.
 */
export async function upgradeCaller(
  request: FastifyRequest,
  socket: string,
  ticket: string | undefined,
  deps: SocketAuthDeps,
): Promise<Principal | null> {
  const protocols = offeredProtocols(request);
  const bearer = protocols.find((p) => p.startsWith(BEARER_PREFIX));
  if (bearer !== undefined) {
    if (!protocols.includes(SUBPROTOCOL)) {
      throw new AppError(
        'VALIDATION_FAILED',
        `Offer the ${SUBPROTOCOL} subprotocol with bearer.<token>: ["${SUBPROTOCOL}", "bearer.<token>"]`,
      );
    }
    return deps.tokens.verify(bearer.slice(BEARER_PREFIX.length));
  }
  if (ticket !== undefined) return deps.tickets.consume(ticket, socket);
  return null;
}

/** A REST request that tried to sign in with a ticket: refused as unauthenticated, ticket untouched. */
export function refuseTicketOutsideSockets(request: FastifyRequest): void {
  const query = request.query as Record<string, unknown> | undefined;
  if (query && 'ticket' in query) {
    throw new AppError(
      'UNAUTHENTICATED',
      'A ticket opens a WebSocket only; send a bearer token (POST /v1/auth/token) or an X-Api-Key',
    );
  }
}
