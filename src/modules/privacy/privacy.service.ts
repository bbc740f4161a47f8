import { type AuditAct, auditFor } from '../../platform/audit/audit-log.ts';
import type { PlatformContext } from '../../platform/context.ts';
import type { Db } from '../../platform/db/pool.ts';
import { forgetUser } from '../../platform/people/forget-caller.repository.ts';
import type { Person, PersonalData } from '../../platform/people/personal-data.ts';
import { addressesPersonalData } from '../addresses/index.ts';
import { dispatchPersonalData } from '../dispatch/index.ts';
import { driversFor, driversPersonalData } from '../drivers/index.ts';
import { closedAccountsFor, findPerson, identityPersonalDataFor } from '../identity/index.ts';
import { notificationsPersonalData } from '../notifications/index.ts';
import { customerOrderIds, ordersPersonalData } from '../orders/index.ts';
import { paymentsPersonalData } from '../payments/index.ts';
import { supportPersonalData } from '../support/index.ts';
import { trackingPersonalData } from '../tracking/index.ts';

export const EXPORT_FORMAT = 'lastmile.personal-data/1';

/** The modules holding personal data, each with its own export and erasure, in erasure order. */
export const SECTIONS = [
  'identity',
  'addresses',
  'orders',
  'payments',
  'drivers',
  'dispatch',
  'tracking',
  'notifications',
  'support',
] as const;
export type Section = (typeof SECTIONS)[number];

/**
 * A person's data across the modules: the export (each module's section, read in one snapshot)
 * and the erasure (every module's, in one transaction, refused while an order or a job is in
 * flight). Each module owns its statements; this only orchestrates them.
 */
export function privacyService(ctx: PlatformContext) {
  const parts: Record<Section, PersonalData> = {
    identity: identityPersonalDataFor(ctx),
    addresses: addressesPersonalData,
    orders: ordersPersonalData,
    payments: paymentsPersonalData,
    drivers: driversPersonalData,
    dispatch: dispatchPersonalData,
    tracking: trackingPersonalData,
    notifications: notificationsPersonalData,
    support: supportPersonalData,
  };
  const audit = auditFor(ctx);

  async function personOf(db: Db, userId: string): Promise<Person> {
    const person = await findPerson(db, userId);
    return { ...person, orderIds: await customerOrderIds(db, userId) };
  }

  return {
    /**
     * Everything held about the account, by module; 404 for an unknown account. Ops' export for
     * someone (`act`) is in the audit log.
     */
    async export(userId: string, act?: AuditAct) {
      // One snapshot, so the sections agree (an order and its payment, read at one moment).
      return ctx.db
        .transaction()
        .setIsolationLevel('repeatable read')
        .execute(async (trx) => {
          const person = await personOf(trx, userId);
          const sections = {} as Record<Section, Record<string, unknown>>;
          for (const name of SECTIONS) sections[name] = await parts[name].export(person, trx);
          if (act)
            await audit.record(trx, act, {
              action: 'privacy.export',
              target: { type: 'user', id: userId },
              before: null,
              after: null,
            });
          return {
            format: EXPORT_FORMAT,
            generated_at: new Date(ctx.clock.now()).toISOString(),
            user_id: userId,
            ...sections,
          };
        });
    },

    /**
     * Erases the account: every module's personal fields in one transaction (orders and payments
     * stay, pseudonymised), the account closed and its tokens refused. 409 while an order or a
     * delivery is in flight; a repeat on an erased account changes nothing. Ops' erasure for
     * someone (`act`) is in the audit log, with the account's role and order count, nothing personal.
     */
    async erase(userId: string, act?: AuditAct): Promise<void> {
      const person = await ctx.db.transaction().execute(async (trx) => {
        const p = await personOf(trx, userId);
        for (const name of SECTIONS) await parts[name].refuseIfBusy?.(p, trx);
        for (const name of SECTIONS) await parts[name].erase?.(p, trx);
        await forgetUser(trx, userId);
        if (act)
          await audit.record(trx, act, {
            action: 'privacy.erase',
            target: { type: 'user', id: userId },
            before: { role: p.role, orders: p.orderIds.length, erased: false },
            after: { role: p.role, orders: p.orderIds.length, erased: true },
          });
        return p;
      });
      closedAccountsFor(ctx).closed(userId);
      // The live index is not a table: the driver's last point leaves it after the commit.
      if (person.driverId)
        await driversFor(ctx)
          .positions.remove([person.driverId])
          .catch((err: unknown) =>
            ctx.logger.warn({ err }, 'an erased driver stays in the live index until it ages out'),
          );
    },
  };
}

export type PrivacyService = ReturnType<typeof privacyService>;
