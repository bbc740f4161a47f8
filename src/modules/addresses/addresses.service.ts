import { uuidv7 } from 'uuidv7';
import type { Db } from '../../platform/db/pool.ts';
import { AppError } from '../../platform/errors.ts';
import {
  type AddressChange,
  type AddressRow,
  addressesRepository,
} from './addresses.repository.ts';

/** How many addresses one account may keep. */
export const MAX_ADDRESSES = 20;

export interface AddressInput {
  label: string;
  address: string;
  lat: number;
  lng: number;
  driver_notes?: string | null | undefined;
  is_default?: boolean | undefined;
}

export const addressView = (a: AddressRow) => ({
  id: a.id,
  label: a.label,
  address: a.address,
  lat: a.lat,
  lng: a.lng,
  driver_notes: a.driver_notes,
  is_default: a.is_default,
  created_at: a.created_at.toISOString(),
  updated_at: a.updated_at.toISOString(),
});
export type AddressView = ReturnType<typeof addressView>;

const notFound = (id: string) => new AppError('NOT_FOUND', `No saved address ${id}`);

/**
 * A customer's saved addresses. Every write holds the account's lock, so the limit and the one
 * default hold however many requests race; another account's address is not found.
 */
export function addressesService(db: Db) {
  const repo = addressesRepository(db);
  const locked = <T>(
    userId: string,
    work: (tx: ReturnType<typeof addressesRepository>) => Promise<T>,
  ) =>
    db.transaction().execute(async (trx) => {
      const tx = addressesRepository(trx);
      await tx.lockUser(userId);
      return work(tx);
    });

  return {
    list: async (userId: string) => ({ items: (await repo.list(userId)).map(addressView) }),

    async get(userId: string, id: string): Promise<AddressView> {
      const row = await repo.find(userId, id);
      if (!row) throw notFound(id);
      return addressView(row);
    },

    create: (userId: string, input: AddressInput) =>
      locked(userId, async (tx) => {
        if ((await tx.count(userId)) >= MAX_ADDRESSES)
          throw new AppError(
            'ADDRESS_LIMIT',
            `At most ${MAX_ADDRESSES} saved addresses; delete one to save another`,
            { details: { max_addresses: MAX_ADDRESSES } },
          );
        if (input.is_default) await tx.clearDefault(userId);
        const row = await tx.insert({
          id: uuidv7(),
          user_id: userId,
          label: input.label,
          address: input.address,
          lat: input.lat,
          lng: input.lng,
          driver_notes: input.driver_notes ?? null,
          is_default: input.is_default ?? false,
        });
        return addressView(row);
      }),

    update: (userId: string, id: string, change: AddressChange) =>
      locked(userId, async (tx) => {
        if (Object.keys(change).length === 0) {
          const row = await tx.find(userId, id);
          if (!row) throw notFound(id);
          return addressView(row);
        }
        if (change.is_default) await tx.clearDefault(userId, id);
        const row = await tx.update(userId, id, change);
        if (!row) throw notFound(id);
        return addressView(row);
      }),

    async remove(userId: string, id: string): Promise<void> {
      if (!(await repo.delete(userId, id))) throw notFound(id);
    },
  };
}

export type AddressesService = ReturnType<typeof addressesService>;
