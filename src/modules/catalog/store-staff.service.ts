import type { Principal } from '../../platform/auth/principal.ts';
import { AppError } from '../../platform/errors.ts';
import type { IdentityService } from '../identity/index.ts';
import type { StoresService } from './stores.service.ts';

export interface NewStaff {
  email: string;
  name: string;
  password: string;
}

/**
 * Staff accounts of a store. The accounts are identity's (role `store`, bound to the store, which
 * is what limits their orders and store routes to it); the catalog answers for the store: it must
 * exist, and only ops or its own staff see who works there.
 */
export function storeStaffService(deps: { stores: StoresService; identity: IdentityService }) {
  return {
    /** Ops only (the route says so): an unknown store is 404, an email already taken 409. */
    async create(storeId: string, input: NewStaff) {
      await deps.stores.get(storeId);
      return deps.identity.createStoreStaff(storeId, input);
    },

    async list(by: Principal, storeId: string) {
      if (by.role !== 'ops' && !(by.role === 'store' && by.storeId === storeId))
        throw new AppError('FORBIDDEN', "Only ops or this store's staff can see its staff");
      await deps.stores.get(storeId);
      return { items: await deps.identity.storeStaff(storeId) };
    },
  };
}

export type StoreStaffService = ReturnType<typeof storeStaffService>;
