import type { Generated, Kysely, Selectable, Updateable } from 'kysely';
import type { Db } from '../../platform/db/pool.ts';

export interface SavedAddressesTable {
  id: string;
  user_id: string;
  label: string;
  address: string;
  lat: number;
  lng: number;
  driver_notes: string | null;
  is_default: Generated<boolean>;
  created_at: Generated<Date>;
  updated_at: Generated<Date>;
}

export interface AddressTables {
  saved_addresses: SavedAddressesTable;
}

export type AddressRow = Selectable<SavedAddressesTable>;
export type AddressChange = Pick<
  Updateable<SavedAddressesTable>,
  'label' | 'address' | 'lat' | 'lng' | 'driver_notes' | 'is_default'
>;

/** The shared handle narrowed to the addresses module's table. */
export const addressesDb = (db: Db) => db as unknown as Kysely<AddressTables>;

/** Every statement on `saved_addresses`. */
export function addressesRepository(db: Db) {
  const q = addressesDb(db);
  return {
    /** Until the transaction ends, no other write changes this account's addresses. */
    async lockUser(userId: string): Promise<void> {
      await q
        .selectNoFrom((eb) =>
          eb
            .fn('pg_advisory_xact_lock', [eb.fn('hashtext', [eb.val(`addresses:${userId}`)])])
            .as('locked'),
        )
        .execute();
    },
    async count(userId: string): Promise<number> {
      const r = await q
        .selectFrom('saved_addresses')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('user_id', '=', userId)
        .executeTakeFirstOrThrow();
      return Number(r.n);
    },
    /** The default first, then oldest first. */
    list(userId: string) {
      return q
        .selectFrom('saved_addresses')
        .selectAll()
        .where('user_id', '=', userId)
        .orderBy('is_default', 'desc')
        .orderBy('id')
        .execute();
    },
    find(userId: string, id: string) {
      return q
        .selectFrom('saved_addresses')
        .selectAll()
        .where('user_id', '=', userId)
        .where('id', '=', id)
        .executeTakeFirst();
    },
    insert(row: Omit<AddressRow, 'created_at' | 'updated_at'>) {
      return q.insertInto('saved_addresses').values(row).returningAll().executeTakeFirstOrThrow();
    },
    update(userId: string, id: string, change: AddressChange) {
      return q
        .updateTable('saved_addresses')
        .set({ ...change, updated_at: new Date() })
        .where('user_id', '=', userId)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
    },
    /** The account's default is no longer one (before another becomes it). */
    async clearDefault(userId: string, except?: string): Promise<void> {
      let query = q
        .updateTable('saved_addresses')
        .set({ is_default: false, updated_at: new Date() })
        .where('user_id', '=', userId)
        .where('is_default', '=', true);
      if (except) query = query.where('id', '<>', except);
      await query.execute();
    },
    async delete(userId: string, id: string): Promise<boolean> {
      const r = await q
        .deleteFrom('saved_addresses')
        .where('user_id', '=', userId)
        .where('id', '=', id)
        .executeTakeFirst();
      return r.numDeletedRows > 0n;
    },
  };
}
