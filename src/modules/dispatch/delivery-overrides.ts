import type { AuditAct } from '../../platform/audit/audit-log.ts';
import { AppError } from '../../platform/errors.ts';
import type { DeliveriesEnv } from './deliveries-env.ts';
import { DELIVERY_RANK, DELIVERY_TERMINAL, type StopStep } from './delivery-state.ts';
import { loadDelivery, visible } from './delivery-views.ts';
import { dispatchRepository } from './dispatch.repository.ts';

// Ops overriding a delivery's safeguards (delivery-safeguards.ts), each one audited in
// delivery_overrides: who, when, why; shown to ops with the delivery.

/**
 * Lets the driver take `step` of this delivery once from wherever they are (the GPS is wrong, the
 * door is not where the pin is). Used by the first attempt at the step that goes through.
 */
export async function waiveGeofence(env: DeliveriesEnv, act: AuditAct, id: string, step: StopStep) {
  const { by, reason } = act;
  const d = await visible(by, await env.repo.delivery(id), id);
  if (DELIVERY_TERMINAL.has(d.status) || DELIVERY_RANK[d.status] >= DELIVERY_RANK[step])
    throw new AppError('CONFLICT', `Delivery ${id} is ${d.status}: ${step} is not ahead of it`);
  await env.db.transaction().execute(async (trx) => {
    const override = { kind: 'geofence_waived' as const, step };
    await dispatchRepository(trx).addOverride({
      delivery_id: id,
      ...override,
      by_user: by.id,
      at: env.now(),
      reason,
      used_at: null,
    });
    await env.audit.record(trx, act, {
      action: 'delivery.geofence_waive',
      target: { type: 'delivery', id },
      before: { status: d.status },
      after: { status: d.status, override },
    });
  });
  return loadDelivery(env.repo, d, by);
}

/** Unlocks a handover locked by wrong PINs, with a fresh count of attempts. */
export async function unlockPin(env: DeliveriesEnv, act: AuditAct, id: string) {
  const { by, reason } = act;
  await visible(by, await env.repo.delivery(id), id);
  const t = env.now();
  const row = await env.db.transaction().execute(async (trx) => {
    const tx = dispatchRepository(trx);
    const unlocked = await tx.unlockPin(id);
    if (!unlocked) throw new AppError('CONFLICT', `The handover of delivery ${id} is not locked`);
    await tx.addOverride({
      delivery_id: id,
      kind: 'pin_unlocked',
      step: null,
      by_user: by.id,
      at: t,
      reason,
      used_at: null,
    });
    await env.audit.record(trx, act, {
      action: 'delivery.pin_unlock',
      target: { type: 'delivery', id },
      before: { pin_locked: true },
      after: { pin_locked: false },
    });
    return unlocked;
  });
  return loadDelivery(env.repo, row, by);
}
