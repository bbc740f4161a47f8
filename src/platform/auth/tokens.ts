import { errors, jwtVerify, SignJWT } from 'jose';
import { createCache } from '../cache/cache.ts';
import { AppError } from '../errors.ts';
import { type Principal, USER_ROLES, type UserRole } from './principal.ts';

const ISSUER = 'lastmile';
const AUDIENCE = 'lastmile-api';

export interface TokenIssuer {
  issue(p: {
    userId: string;
    role: UserRole;
    storeId?: string | null;
    driverId?: string | null;
  }): Promise<{
    token: string;
    expiresIn: number;
  }>;
  verify(token: string): Promise<Principal>;
}

/** Verified tokens remembered per process; a token is immutable, so its answer is too until it expires. */
const VERIFIED_CACHE_SIZE = 50_000;

export function createTokenIssuer(secret: string, ttlS: number): TokenIssuer {
  // Imported once: handing jose the raw bytes makes it import the key again on every call.
  const key = crypto.subtle.importKey(
    'raw',
    new TextEncoder().encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign', 'verify'],
  );
  // A token that failed verification is not remembered; one without `exp` is not either (expiry 0).
  const verified = createCache<{ principal: Principal; expMs: number }>({
    ttlMs: ttlS * 1000,
    maxEntries: VERIFIED_CACHE_SIZE,
    expiresAt: (v) => v.expMs,
  });
  return {
    async issue({ userId, role, storeId, driverId }) {
      const token = await new SignJWT({
        role,
        ...(storeId ? { store_id: storeId } : {}),
        ...(driverId ? { driver_id: driverId } : {}),
      })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject(userId)
        .setIssuer(ISSUER)
        .setAudience(AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(`${ttlS}s`)
        .sign(await key);
      return { token, expiresIn: ttlS };
    },
    async verify(token) {
      return (await verified.get(token, () => verifyToken(token, key))).principal;
    },
  };
}

/** Checks signature, issuer, audience and expiry; the principal and when the token expires (ms). */
async function verifyToken(
  token: string,
  key: ReturnType<typeof crypto.subtle.importKey>,
): Promise<{ principal: Principal; expMs: number }> {
  try {
    const { payload } = await jwtVerify(token, await key, {
      issuer: ISSUER,
      audience: AUDIENCE,
      algorithms: ['HS256'],
    });
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
    };
    return { principal, expMs: typeof payload.exp === 'number' ? payload.exp * 1000 : 0 };
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
