import { uuidv7 } from 'uuidv7';
import { apiKeyMatches, generateApiKey, parseApiKey } from '../../platform/auth/api-keys.ts';
import { dummyPasswordHash, hashPassword, verifyPassword } from '../../platform/auth/passwords.ts';
import type { Principal, UserRole } from '../../platform/auth/principal.ts';
import type { TokenIssuer } from '../../platform/auth/tokens.ts';
import { createCache } from '../../platform/cache/cache.ts';
import type { Db } from '../../platform/db/pool.ts';
import { AppError, SqlState, sqlState } from '../../platform/errors.ts';
import { identityRepository, type UserRow } from './identity.repository.ts';

export interface NewUser {
  email: string;
  name: string;
  password: string;
  role: UserRole;
  storeId?: string | null;
  driverId?: string | null;
}

/** The stored row of an account: a new id and the password hashed. */
async function userRow(u: NewUser) {
  return {
    id: uuidv7(),
    email: u.email,
    name: u.name,
    password_hash: await hashPassword(u.password),
    role: u.role,
    store_id: u.storeId ?? null,
    driver_id: u.driverId ?? null,
  };
}

/** Most staff accounts one store lists. */
export const MAX_STORE_STAFF = 500;

export function identityService(db: Db, tokens: TokenIssuer) {
  const repo = identityRepository(db);
  // API keys are checked on every partner request; a short cache keeps that off the database.
  const keyCache = createCache<Principal | null>({ ttlMs: 30_000, maxEntries: 10_000 });

  /** What sign-in and sign-up answer: a bearer token for the account. */
  async function tokenFor(
    user: Pick<UserRow, 'id' | 'email' | 'name' | 'role' | 'store_id' | 'driver_id'>,
  ) {
    const t = await tokens.issue({
      userId: user.id,
      role: user.role,
      storeId: user.store_id,
      driverId: user.driver_id,
    });
    return {
      access_token: t.token,
      token_type: 'Bearer' as const,
      expires_in: t.expiresIn,
      user: { id: user.id, email: user.email, name: user.name, role: user.role },
    };
  }

  /** Stores a new account; an email already taken (in any letter case) is 409 and changes nothing. */
  async function insertUser(u: NewUser, trx: Db) {
    const row = await userRow(u);
    try {
      await identityRepository(trx).insertUser(row);
    } catch (err) {
      // The unique index on lower(email) decides, so two sign-ups racing for one email get one account.
      if (sqlState(err) === SqlState.UNIQUE_VIOLATION)
        throw new AppError('CONFLICT', 'An account with this email already exists', { cause: err });
      throw err;
    }
    return row;
  }

  return {
    async issueToken(email: string, password: string) {
      const user = await repo.findUserByEmail(email);
      const ok = await verifyPassword(user?.password_hash ?? (await dummyPasswordHash()), password);
      if (!user || !ok || user.disabled_at)
        throw new AppError('UNAUTHENTICATED', 'Email or password is wrong');
      return tokenFor(user);
    },

    /**
     * A customer creates their own account and is signed in. An email already taken is 409 and
     * changes nothing: the existing account is never overwritten, whatever the password.
     */
    async signUp(input: { email: string; name: string; password: string }) {
      return tokenFor(await insertUser({ ...input, role: 'customer' }, db));
    },

    async me(userId: string) {
      const u = await repo.findUser(userId);
      if (!u) throw new AppError('NOT_FOUND', 'This account no longer exists');
      return {
        id: u.id,
        email: u.email,
        name: u.name,
        role: u.role,
        store_id: u.store_id,
        driver_id: u.driver_id,
      };
    },

    /** A new account; `trx` lets another module create it with its own rows, all or nothing. */
    createUser: async (u: NewUser, trx: Db = db): Promise<string> => (await insertUser(u, trx)).id,

    /** A staff account bound to `storeId` (the catalog checks the store exists and who asks). */
    async createStoreStaff(storeId: string, u: { email: string; name: string; password: string }) {
      const user = await insertUser({ ...u, role: 'store', storeId }, db);
      return { id: user.id, email: user.email, store_id: storeId };
    },

    storeStaff: (storeId: string) => repo.storeStaff(storeId, MAX_STORE_STAFF),

    upsertUser: async (u: NewUser): Promise<string> => repo.upsertUser(await userRow(u)),

    async createApiKey(partnerName: string, createdBy: string) {
      const { key, prefix, hash } = generateApiKey();
      const id = uuidv7();
      await repo.insertApiKey({
        id,
        prefix,
        key_hash: hash,
        partner_name: partnerName,
        created_by: createdBy,
      });
      // The only time the key is ever shown.
      return { id, key, prefix, partner_name: partnerName };
    },

    listApiKeys: () => repo.listApiKeys(),

    async hasUsers(): Promise<boolean> {
      return (await repo.anyUser()) !== undefined;
    },

    async revokeApiKey(id: string) {
      if (!(await repo.revokeApiKey(id)))
        throw new AppError('NOT_FOUND', 'No active API key with this id');
      keyCache.clear();
    },

    async resolveApiKey(key: string): Promise<Principal | null> {
      const parsed = parseApiKey(key);
      if (!parsed) return null;
      return keyCache.get(key, async () => {
        const row = await repo.findApiKeyByPrefix(parsed.prefix);
        const principal: Principal | null =
          row && apiKeyMatches(key, row.key_hash)
            ? { kind: 'partner', id: row.id, role: 'partner' }
            : null;
        if (row && principal) void repo.touchApiKey(row.id).catch(() => {});
        return principal;
      });
    },
  };
}

export type IdentityService = ReturnType<typeof identityService>;
