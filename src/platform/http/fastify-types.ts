import type { Principal, RouteAuth } from '../auth/principal.ts';

export type IdempotencyMode = 'optional' | 'required' | 'off';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Who may call the route; required on every route. */
    auth?: RouteAuth;
    /** A WebSocket route's name, required on every one; a ticket may be bound to it. */
    socket?: string;
    /** Idempotency-Key handling on a mutating route; default `optional`. */
    idempotency?: IdempotencyMode;
  }
  interface FastifyRequest {
    principal: Principal | null;
    /** The caller's Idempotency-Key when one was sent and accepted. */
    idempotencyKey: string | null;
  }
}
