import { errors, jwtVerify, SignJWT } from 'jose';
import { AppError } from '../errors.ts';
import { type Principal, USER_ROLES, type UserRole } from './principal.ts';

const ISSUER = 'lastmile';
const AUDIENCE = 'lastmile-api';

export interface TokenIssuer {
  issue(p: { userId: string; role: UserRole; storeId?: string | null; driverId?: string | null }): Promise<{
    token: string;
    expiresIn: number;
  }>;
  verify(token: string): Promise<Principal>;
}

export function createTokenIssuer(secret: string, ttlS: number): TokenIssuer {
  const key = new TextEncoder().encode(secret);
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
        .sign(key);
      return { token, expiresIn: ttlS };
    },
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, key, { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'] });
        const role = payload.role;
        if (typeof payload.sub !== 'string' || !USER_ROLES.includes(role as UserRole)) {
          throw new AppError('UNAUTHENTICATED', 'The token is missing its subject or role');
        }
        return {
          kind: 'user',
          id: payload.sub,
          role: role as UserRole,
          storeId: typeof payload.store_id === 'string' ? payload.store_id : undefined,
          driverId: typeof payload.driver_id === 'string' ? payload.driver_id : undefined,
        };
      } catch (err) {
        if (err instanceof AppError) throw err;
        const expired = err instanceof errors.JWTExpired;
        throw new AppError('UNAUTHENTICATED', expired ? 'The token has expired' : 'The token is not valid', { cause: err });
      }
    },
  };
}
