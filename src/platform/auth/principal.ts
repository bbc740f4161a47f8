export const USER_ROLES = ['customer', 'driver', 'store', 'ops'] as const;
export type UserRole = (typeof USER_ROLES)[number];
export type Role = UserRole | 'partner';
export const ALL_ROLES: readonly Role[] = [...USER_ROLES, 'partner'];

/** Who is calling: a signed-in user (JWT) or a partner integration (API key). */
export interface Principal {
  kind: 'user' | 'partner';
  id: string;
  role: Role;
  /** For store staff: the store they work for. */
  storeId?: string | undefined;
  /** For drivers: their driver profile. */
  driverId?: string | undefined;
}

/** The per-caller namespace of Idempotency-Keys and rate limits. */
export const principalScope = (p: Principal): string => `${p.kind}:${p.id}`;

/**
 * What a route allows: `public` (no credentials needed), `authenticated` (any role), or a list of
 * roles. Every route must say, so a forgotten declaration can never open a route by accident.
 */
export type RouteAuth = 'public' | 'authenticated' | readonly Role[];
