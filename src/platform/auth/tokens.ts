import { createHash } from 'node:crypto';
import { errors, type JWTHeaderParameters, jwtVerify, SignJWT } from 'jose';
import { createCache } from '../cache/cache.ts';
import { AppError } from '../errors.ts';
import {
  OPS_LEVELS,
  type OpsLevel,
  type Principal,
  USER_ROLES,
  type UserRole,
} from './principal.ts';

const ISSUER = 'lastmile';
const AUDIENCE = 'lastmile-api';

export interface TokenIssuer {
  issue(p: {
    userId: string;
    role: UserRole;
    storeId?: string | null;
    driverId?: string | null;
    /** For ops: their level and email, carried so checks and the audit log need no lookup. */
    opsLevel?: OpsLevel | null;
    email?: string | null;
  }): Promise<{
    token: string;
    expiresIn: number;
  }>;
  verify(token: string): Promise<Principal>;
}

/** Verified tokens remembered per process; a token is immutable, so its answer is too until it expires. */
const VERIFIED_CACHE_SIZE = 50_000;
/** How far a token's `iat` may lie in the future (clocks of two API processes differ a little). */
const CLOCK_SKEW_S = 60;

/**
 * The `kid` a secret's tokens carry: derived from the secret (a hash, not the secret), so rotating
 * needs no key ids configured: the previous secret's tokens name the previous key.
 */
export function keyIdOf(secret: string): string {
  return createHash('sha256').update(`lastmile-jwt-kid:${secret}`).digest('base64url').slice(0, 16);
}

type HmacKey = ReturnType<typeof crypto.subtle.importKey>;

// Imported once: handing jose the raw bytes makes it import the key again on every call.
const importKey = (secret: string): HmacKey =>
  crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign', 'verify'],
  );

export interface TokenKeyOptions {
  /** The secret before the last rotation: its tokens are still accepted, none is signed with it. */
  previousSecret?: string | undefined;
}

/**
 * Issues tokens signed with `secret` (header `kid`: its key id) that live `ttlS` seconds, and
 * verifies tokens of the current or the previous key. A token must name an active key, carry
 * `iat` and `exp`, and live no longer than `ttlS`: a token that never expires is refused.
 */
export function createTokenIssuer(
  secret: string,
  ttlS: number,
  opts: TokenKeyOptions = {},
): TokenIssuer {
  const currentKid = keyIdOf(secret);
  const key = importKey(secret);
  const keys = new Map<string, HmacKey>([[currentKid, key]]);
  if (opts.previousSecret && opts.previousSecret !== secret)
    keys.set(keyIdOf(opts.previousSecret), importKey(opts.previousSecret));
  // A token that failed verification is not remembered.
  const verified = createCache<{ principal: Principal; expMs: number }>({
    ttlMs: ttlS * 1000,
    maxEntries: VERIFIED_CACHE_SIZE,
    expiresAt: (v) => v.expMs,
  });
  return {
    async issue({ userId, role, storeId, driverId, opsLevel, email }) {
      const token = await new SignJWT({
        role,
        ...(storeId ? { store_id: storeId } : {}),
        ...(driverId ? { driver_id: driverId } : {}),
        ...(role === 'ops' ? { ops_level: opsLevel ?? 'agent', ...(email ? { email } : {}) } : {}),
      })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT', kid: currentKid })
        .setSubject(userId)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${ttlS}s`)
        .sign(await key);
      return { token, expiresIn: ttlS };
    },
    async verify(token) {
      return (await verified.get(token, () => verifyToken(token, keys, ttlS))).principal;
    },
  };
}

/** An ops token's level (one without a known level is an agent's: the least) and email. */
function opsClaims(payload: Record<string, unknown>): Pick<Principal, 'opsLevel' | 'email'> {
  const level = payload.ops_level;
  return {
    opsLevel: OPS_LEVELS.includes(level as OpsLevel) ? (level as OpsLevel) : 'agent',
    email: typeof payload.email === 'string' ? payload.email : undefined,
  };
}

/** Checks signature, issuer, audience and expiry; the principal and when the token expires (ms). */
async function verifyToken(
  token: string,
  keys: ReadonlyMap<string, HmacKey>,
  ttlS: number,
): Promise<{ principal: Principal; expMs: number }> {
  try {
    const keyOf = (header: JWTHeaderParameters) => {
      const key = header.kid === undefined ? undefined : keys.get(header.kid);
      if (!key) throw new AppError('UNAUTHENTICATED', 'The token is signed with an unknown key');
      return key;
    };
    const { payload } = await jwtVerify(token, keyOf, {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['HS256'],
      requiredClaims: ['exp', 'iat'],
    });
    const { exp, iat } = payload as { exp: number; iat: number };
    if (exp - iat > ttlS || iat > Date.now() / 1000 + CLOCK_SKEW_S)
      throw new AppError('UNAUTHENTICATED', 'The token lives longer than tokens may');
    const role = payload.role;
    if (typeof payload.sub !== 'string' || !USER_ROLES.includes(role as UserRole)) {
      throw new AppError('UNAUTHENTICATED', 'The token is missing its subject or role');
    }
    const principal: Principal = {
      kind: 'user',
      id: payload.sub,
      role: role as UserRole,
      storeId: typeof payload.store_id === 'string' ? payload.store_id : undefined,
      driverId: typeof payload.driver_id === 'string' ? payload.driver_id : undefined,
      ...(role === 'ops' ? opsClaims(payload) : {}),
    };
    return { principal, expMs: exp * 1000 };
  } catch (err) {
    if (err instanceof AppError) throw err;
    const expired = err instanceof errors.JWTExpired;
    throw new AppError(
      'UNAUTHENTICATED',
      expired ? 'The token has expired' : 'The token is not valid',
      { cause: err },
    );
  }
}
