import { uuidv7 } from 'uuidv7';
import { createCache } from '../../platform/cache/cache.ts';
import { dummyPasswordHash, hashPassword, verifyPassword } from '../../platform/auth/passwords.ts';
import type { OpsLevel, UserRole } from '../../platform/auth/principal.ts';
import type { TokenIssuer } from '../../platform/auth/tokens.ts';
import type { Db } from '../../platform/db/pool.ts';
import { AppError, SqlState, sqlState } from '../../platform/errors.ts';
import { type UserRow, usersRepository } from './identity.repository.ts';
import { signInGuard } from './sign-in-guard.ts';

export interface NewUser {
  email: string;
  name: string;
  password: string;
  role: UserRole;
  storeId?: string | null;
  driverId?: string | null;
  /** Ops accounts: agent unless said otherwise. */
  opsLevel?: OpsLevel;
}

/** `ops_level` in answers about an ops account; nothing for other roles. */
const opsLevelOf = (u: Pick<UserRow, 'ops_level'>) =>
  u.ops_level ? { ops_level: u.ops_level } : {};

/** Most staff accounts one store lists. */
export const MAX_STORE_STAFF = 500;

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
    ops_level: u.role === 'ops' ? (u.opsLevel ?? 'agent') : null,
  };
}

/** Stores a new account; an email already taken (in any letter case) is 409 and changes nothing. */
async function insertUser(u: NewUser, trx: Db) {
  const row = await userRow(u);
  try {
    await usersRepository(trx).insertUser(row);
  } catch (err) {
    // The unique index on lower(email) decides, so two sign-ups racing for one email get one account.
    if (sqlState(err) === SqlState.UNIQUE_VIOLATION)
      throw new AppError('CONFLICT', 'An account with this email already exists', { cause: err });
    throw err;
  }
  return row;
}

/**
 * How long a process answers `GET /v1/me` from memory. Apps read it on every start and screen
 * change while an account's fields almost never change (the demo seed rewrites them; a closed
 * account's tokens are refused before the route runs), so a request needn't read Postgres.
 */
const ME_TTL_MS = 10_000;

/** The signed-in account as `GET /v1/me` shows it. */
interface MeView {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  store_id: string | null;
  driver_id: string | null;
  ops_level?: OpsLevel;
}

/** A store staff account's sign-in. */
type StaffInput = { email: string; name: string; password: string };

/** Accounts: sign-in and sign-up with a bearer token, accounts made by ops or other modules. */
export function accountsService(db: Db, tokens: TokenIssuer) {
  const repo = usersRepository(db);
  const guard = signInGuard(db);
  const meCache = createCache<MeView>({ ttlMs: ME_TTL_MS, maxEntries: 50_000 });

  /** What sign-in and sign-up answer: a bearer token for the account. */
  async function tokenFor(
    user: Pick<UserRow, 'id' | 'email' | 'name' | 'role' | 'store_id' | 'driver_id' | 'ops_level'>,
  ) {
    const t = await tokens.issue({
      userId: user.id,
      role: user.role,
      storeId: user.store_id,
      driverId: user.driver_id,
      opsLevel: user.ops_level,
      email: user.email,
    });
    return {
      access_token: t.token,
      token_type: 'Bearer' as const,
      expires_in: t.expiresIn,
      user: {
        id: user.id,
        email: user.email,
        name: user.name,
        role: user.role,
        ...opsLevelOf(user),
      },
    };
  }

  return {
    async issueToken(email: string, password: string) {
      await guard.refuseIfLocked(email);
      const user = await repo.findUserByEmail(email);
      const ok = await verifyPassword(user?.password_hash ?? (await dummyPasswordHash()), password);
      if (!user || !ok || user.disabled_at) {
        await guard.failed(email, user?.id ?? null);
        throw new AppError('UNAUTHENTICATED', 'Email or password is wrong');
      }
      await guard.succeeded(email);
      return tokenFor(user);
    },

    /**
     * A customer creates their own account and is signed in. An email already taken is 409 and
     * changes nothing: the existing account is never overwritten, whatever the password.
     */
    async signUp(input: { email: string; name: string; password: string }) {
      return tokenFor(await insertUser({ ...input, role: 'customer' }, db));
    },

    me: (userId: string) =>
      meCache.get(userId, async () => {
        const u = await repo.findUser(userId);
        if (!u) throw new AppError('NOT_FOUND', 'This account no longer exists');
        return {
          id: u.id,
          email: u.email,
          name: u.name,
          role: u.role,
          store_id: u.store_id,
          driver_id: u.driver_id,
          ...opsLevelOf(u),
        };
      }),

    /** A new account; `trx` lets another module create it with its own rows, all or nothing. */
    createUser: async (u: NewUser, trx: Db = db): Promise<string> => (await insertUser(u, trx)).id,

    /** A staff account bound to `storeId` (the catalog checks it), in the catalog's `trx`. */
    async createStoreStaff(storeId: string, u: StaffInput, trx: Db = db) {
      const user = await insertUser({ ...u, role: 'store', storeId }, trx);
      return { id: user.id, email: user.email, store_id: storeId };
    },

    storeStaff: (storeId: string) => repo.storeStaff(storeId, MAX_STORE_STAFF),

    /** The account with this email (any letter case), or undefined: its id and role only. */
    async accountByEmail(email: string) {
      const u = await repo.findUserByEmail(email);
      return u ? { id: u.id, role: u.role } : undefined;
    },

    /** The emails of these accounts, by id (ops' lists). */
    emails: async (ids: readonly string[]) =>
      new Map((await repo.emails(ids)).map((u) => [u.id, u.email])),

    async upsertUser(u: NewUser): Promise<string> {
      const id = await repo.upsertUser(await userRow(u));
      meCache.delete(id);
      return id;
    },

    async hasUsers(): Promise<boolean> {
      return (await repo.anyUser()) !== undefined;
    },
  };
}
