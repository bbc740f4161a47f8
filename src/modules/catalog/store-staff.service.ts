import type { AuditAct, AuditLog } from '../../platform/audit/audit-log.ts';
import type { Principal } from '../../platform/auth/principal.ts';
import type { Db } from '../../platform/db/pool.ts';
import { AppError } from '../../platform/errors.ts';
import type { IdentityService } from '../identity/index.ts';
import { asIs, keyCursor, pageFrom } from '../../platform/http/page-cursor.ts';
import type { StoresService } from './stores.service.ts';

const STAFF_CURSOR = keyCursor('staff', ['string', 'uuid']);

const compareKeys = (a: readonly [string, string], b: readonly [string, string]) =>
  a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;

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
export function storeStaffService(deps: {
  db: Db;
  audit: AuditLog;
  stores: StoresService;
  identity: IdentityService;
}) {
  return {
    /**
     * Ops only (the route says so): an unknown store is 404, an email already taken 409. The
     * account and its audit entry (`store_staff.create`: ids only, no email or name) commit together.
     */
    async create(storeId: string, input: NewStaff, act: AuditAct) {
      await deps.stores.get(storeId);
      const created = await deps.db.transaction().execute(async (trx) => {
        const account = await deps.identity.createStoreStaff(storeId, input, trx);
        await deps.audit.record(trx, act, {
          action: 'store_staff.create',
          target: { type: 'user', id: account.id },
          before: null,
          after: { role: 'store', store_id: storeId },
        });
        return account;
      });
      return { id: created.id, email: created.email, name: input.name, store_id: storeId };
    },

    /** Oldest first, a page at a time (a store lists its first 500 accounts at most). */
    async list(by: Principal, storeId: string, p: { cursor?: string; limit: number }) {
      if (by.role !== 'ops' && !(by.role === 'store' && by.storeId === storeId))
        throw new AppError('FORBIDDEN', "Only ops or this store's staff can see its staff");
      const after = p.cursor ? STAFF_CURSOR.decode(p.cursor) : undefined;
      await deps.stores.get(storeId);
      // Ordered (and continued) by creation to the millisecond, then id: the cursor's own order.
      const all = (await deps.identity.storeStaff(storeId))
        .map((u) => ({
          key: [u.created_at.toISOString(), u.id] as const,
          view: { id: u.id, email: u.email, name: u.name, store_id: storeId },
        }))
        .sort((a, b) => compareKeys(a.key, b.key));
      const rest = after ? all.filter((u) => compareKeys(u.key, after) > 0) : all;
      const page = pageFrom(rest, p.limit, asIs, (last) => STAFF_CURSOR.encode(last.key));
      return { items: page.items.map((u) => u.view), next_cursor: page.next_cursor };
    },
  };
}

export type StoreStaffService = ReturnType<typeof storeStaffService>;
