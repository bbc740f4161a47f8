import { expressionBuilder, type Generated, type Kysely, type Selectable } from 'kysely';
import type { OpsLevel, UserRole } from '../../platform/auth/principal.ts';
import type { Db } from '../../platform/db/pool.ts';

export interface UsersTable {
  id: string;
  email: string;
  name: string;
  password_hash: string;
  role: UserRole;
  store_id: string | null;
  driver_id: string | null;
  /** Ops accounts only: agent or admin. */
  ops_level: OpsLevel | null;
  created_at: Generated<Date>;
  disabled_at: Date | null;
}

export interface ApiKeysTable {
  id: string;
  prefix: string;
  key_hash: string;
  partner_name: string;
  created_by: string;
  created_at: Generated<Date>;
  last_used_at: Date | null;
  revoked_at: Date | null;
}

interface Tables {
  users: UsersTable;
  api_keys: ApiKeysTable;
}

export type UserRow = Selectable<UsersTable>;

/** The shared handle narrowed to identity's tables: no other module's can be named. */
const identityDb = (db: Db) => db as unknown as Kysely<Tables>;

/** `lower(email)`: the expression the unique index on users' emails is built on. */
const LOWER_EMAIL = expressionBuilder<Tables, 'users'>().fn<string>('lower', ['email']);

/** Accounts: customers, store staff, drivers and ops. */
export function usersRepository(db: Db) {
  const q = identityDb(db);
  return {
    findUserByEmail(email: string) {
      return q
        .selectFrom('users')
        .selectAll()
        .where(LOWER_EMAIL, '=', email.toLowerCase())
        .executeTakeFirst();
    },
    anyUser() {
      return q.selectFrom('users').select('id').limit(1).executeTakeFirst();
    },
    findUser(id: string) {
      return q.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
    },
    /** The emails of these accounts (those that exist). */
    emails: (ids: readonly string[]) =>
      q
        .selectFrom('users')
        .select(['id', 'email'])
        .where('id', '=', (eb) => eb.fn.any(eb.val([...ids])))
        .execute(),
    /** The staff accounts of a store, oldest first (never their password hashes). */
    storeStaff(storeId: string, limit: number) {
      return q
        .selectFrom('users')
        .select(['id', 'email', 'name', 'store_id', 'created_at'])
        .where('role', '=', 'store')
        .where('store_id', '=', storeId)
        .orderBy('created_at')
        .orderBy('id')
        .limit(limit)
        .execute();
    },
    /** Inserts a new user; an email already taken fails with a unique violation (409). */
    async insertUser(u: Omit<Selectable<UsersTable>, 'created_at' | 'disabled_at'>): Promise<void> {
      await q.insertInto('users').values(u).execute();
    },
    /** Inserts or, for an existing email, updates in place (seeding is re-runnable). */
    async upsertUser(
      u: Omit<Selectable<UsersTable>, 'created_at' | 'disabled_at'>,
    ): Promise<string> {
      const row = await q
        .insertInto('users')
        .values(u)
        .onConflict((oc) =>
          oc.expression(LOWER_EMAIL).doUpdateSet({
            name: u.name,
            password_hash: u.password_hash,
            role: u.role,
            store_id: u.store_id,
            driver_id: u.driver_id,
            ops_level: u.ops_level,
          }),
        )
        .returning('id')
        .executeTakeFirstOrThrow();
      return row.id;
    },
  };
}

/** Partner API keys: stored as a prefix and a hash, never the key. */
export function apiKeysRepository(db: Db) {
  const q = identityDb(db);
  return {
    insertApiKey(k: Omit<Selectable<ApiKeysTable>, 'created_at' | 'last_used_at' | 'revoked_at'>) {
      return q.insertInto('api_keys').values(k).execute();
    },
    findApiKeyByPrefix(prefix: string) {
      return q
        .selectFrom('api_keys')
        .selectAll()
        .where('prefix', '=', prefix)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
    },
    listApiKeys() {
      return q
        .selectFrom('api_keys')
        .select(['id', 'prefix', 'partner_name', 'created_at', 'last_used_at', 'revoked_at'])
        .orderBy('created_at', 'desc')
        .limit(500)
        .execute();
    },
    /** The key revoked (never its hash); undefined when no active key has this id. */
    revokeApiKey: (id: string, at: Date) =>
      q
        .updateTable('api_keys')
        .set({ revoked_at: at })
        .where('id', '=', id)
        .where('revoked_at', 'is', null)
        .returning(['id', 'prefix', 'partner_name', 'revoked_at'])
        .executeTakeFirst(),
    touchApiKey(id: string) {
      return q
        .updateTable('api_keys')
        .set({ last_used_at: new Date() })
        .where('id', '=', id)
        .execute();
    },
  };
}
