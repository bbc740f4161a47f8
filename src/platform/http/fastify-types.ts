import type { Principal, RouteAuth } from '../auth/principal.ts';

export type IdempotencyMode = 'optional' | 'required' | 'off';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route; required on every route. */
    auth?: RouteAuth;
    /**
     * `admin`: an ops caller must be an ops admin (an agent gets 403 OPS_ADMIN_REQUIRED); the other
     * roles the route allows are not affected. Only on routes whose `auth` lists `ops`.
     */
    opsLevel?: 'admin';
    /** A WebSocket route's name, required on every one; a ticket may be bound to it. */
    socket?: string;
    /** Idempotency-Key handling on a mutating route; default `optional`. */
    idempotency?: IdempotencyMode;
    /**
     * Marks a route for removal: the document says `deprecated: true` and every answer carries
     * `Deprecation` and `Sunset` (RFC 9745, RFC 8594) until it is removed on that date.
     */
    deprecated?: { sunset: string; use?: string };
  }
  interface FastifyRequest {
    principal: Principal | null;
    /** The caller's Idempotency-Key when one was sent and accepted. */
    idempotencyKey: string | null;
  }
}
