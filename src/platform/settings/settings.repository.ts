import type { ColumnType, Kysely } from 'kysely';
import type { Db } from '../db/pool.ts';

interface OpsSettingsTable {
  id: string;
  // Written as JSON text, read back parsed.
  value: ColumnType<unknown, string | null, string | null>;
  version: number;
  updated_at: Date | null;
  updated_by: string | null;
  updated_key: string | null;
}

export interface SettingRow {
  id: string;
  value: unknown;
  version: number;
  updated_at: Date | null;
  updated_by: string | null;
  updated_key: string | null;
}

const q = (db: Db) => db as unknown as Kysely<{ ops_settings: OpsSettingsTable }>;
const json = (v: unknown) => (v === null || v === undefined ? null : JSON.stringify(v));

export const settingsRepository = (db: Db) => ({
  /** Every stored group (a handful of rows): what each process holds. */
  all: (): Promise<SettingRow[]> => q(db).selectFrom('ops_settings').selectAll().execute(),

  find: (id: string): Promise<SettingRow | undefined> =>
    q(db).selectFrom('ops_settings').selectAll().where('id', '=', id).executeTakeFirst(),

  /** The group's row locked for a change (made first, at version 0 and no value, if missing). */
  async lock(id: string): Promise<SettingRow> {
    await q(db)
      .insertInto('ops_settings')
      .values({ id, value: null, version: 0 })
      .onConflict((oc) => oc.column('id').doNothing())
      .execute();
    return q(db)
      .selectFrom('ops_settings')
      .selectAll()
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirstOrThrow();
  },

  /** Writes the locked row's next version. */
  update: (
    id: string,
    next: Omit<SettingRow, 'id' | 'value'> & { value: unknown },
  ): Promise<SettingRow> =>
    q(db)
      .updateTable('ops_settings')
      .set({ ...next, value: json(next.value) })
      .where('id', '=', id)
      .returningAll()
      .executeTakeFirstOrThrow(),
});
