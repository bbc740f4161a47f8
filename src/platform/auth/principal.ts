export const USER_ROLES = ['customer', 'driver', 'store', 'ops'] as const;
export type UserRole = (typeof USER_ROLES)[number];
export type Role = UserRole | 'partner';
export const ALL_ROLES: readonly Role[] = [...USER_ROLES, 'partner'];

/**
 * What an ops account may do inside ops: an agent views, reassigns, retries and replays; an admin
 * also makes the changes a route reserves for admins (`config.opsLevel: 'admin'`).
 */
export const OPS_LEVELS = ['agent', 'admin'] as const;
export type OpsLevel = (typeof OPS_LEVELS)[number];

/** Who is calling: a signed-in user (JWT) or a partner integration (API key). */
export interface Principal {
  kind: 'user' | 'partner';
  id: string;
  role: Role;
  /** For store staff: the store they work for. */
  storeId?: string | undefined;
  /** For drivers: their driver profile. */
  driverId?: string | undefined;
  /** For ops: their level, from the token (a token without one is an agent's). */
  opsLevel?: OpsLevel | undefined;
  /** For ops: the account's email when the token was issued (the audit log names the actor by it). */
  email?: string | undefined;
}

/** The per-caller namespace of Idempotency-Keys and rate limits. */
export const principalScope = (p: Principal): string => `${p.kind}:${p.id}`;

/** An ops account of the admin level. */
export const isOpsAdmin = (p: Principal): boolean => p.role === 'ops' && p.opsLevel === 'admin';

/**
 * What a route allows: `public` (no credentials needed), `authenticated` (any role), or a list of
 * roles. Every route must say, so a forgotten declaration can never open a route by accident.
 */
export type RouteAuth = 'public' | 'authenticated' | readonly Role[];
