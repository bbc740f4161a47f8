import {
  type LastmileClient,
  LastmileHttpError,
  LastmileProblem,
  type Schemas,
  unwrap,
} from '@lastmile/client';
import { newKey } from '@web/keys.ts';
import { storedValue } from '@web/session.ts';
import { useSyncExternalStore } from 'react';

/** The driver's steps, by the last segment of their route. */
export type StepName = 'arrived-at-store' | 'picked-up' | 'arrived-at-dropoff' | 'delivered';
export const STEP_NAMES: readonly StepName[] = [
  'arrived-at-store',
  'picked-up',
  'arrived-at-dropoff',
  'delivered',
];

/** A step tapped and not yet answered: resent as it was, with its key, until it is. */
export interface PendingStep {
  deliveryId: string;
  step: StepName;
  key: string;
  body: { lat: number; lng: number; pin?: string; age_checked?: boolean };
}

const isPending = (v: unknown): v is PendingStep =>
  typeof v === 'object' &&
  v !== null &&
  typeof (v as PendingStep).key === 'string' &&
  typeof (v as PendingStep).deliveryId === 'string' &&
  STEP_NAMES.includes((v as PendingStep).step);

/** Answers that mean "not now": the same request (same key) is sent again later. */
const LATER = new Set(['IDEMPOTENCY_IN_FLIGHT', 'OVERLOADED', 'DEPENDENCY_UNAVAILABLE']);
const RETRY_EVERY_MS = 3_000;

function post(api: LastmileClient, p: PendingStep): Promise<Schemas['Delivery']> {
  const params = { path: { id: p.deliveryId }, header: { 'idempotency-key': p.key } };
  const { lat, lng, pin, age_checked } = p.body;
  switch (p.step) {
    case 'arrived-at-store':
      return unwrap(
        api.POST('/v1/deliveries/{id}/arrived-at-store', { params, body: { lat, lng } }),
      );
    case 'picked-up':
      return unwrap(api.POST('/v1/deliveries/{id}/picked-up', { params, body: { lat, lng } }));
    case 'arrived-at-dropoff':
      return unwrap(
        api.POST('/v1/deliveries/{id}/arrived-at-dropoff', { params, body: { lat, lng } }),
      );
    case 'delivered':
      return unwrap(
        api.POST('/v1/deliveries/{id}/delivered', {
          params,
          body: { lat, lng, ...(pin ? { pin } : {}), ...(age_checked ? { age_checked } : {}) },
        }),
      );
  }
}

/**
 * The step outbox: one step at a time, kept in localStorage with its Idempotency-Key until the
 * API answers it, so a step tapped without a connection is sent when it is back (the same key:
 * if an earlier try did land, the API replays its answer instead of moving the delivery twice).
 * `before` runs ahead of each try (the positions go first, so the geofence sees where the driver
 * is); `answered` gets the delivery or the API's refusal.
 */
export function stepOutbox(
  api: LastmileClient,
  hooks: {
    before: () => Promise<void>;
    answered: (
      p: PendingStep,
      result: { delivery: Schemas['Delivery'] } | { error: unknown },
    ) => void;
  },
) {
  const pending = storedValue<PendingStep>('lastmile.driver.step', isPending);
  /** The API's refusal of the last step answered, shown until the next tap. */
  let refusal: { step: PendingStep; error: unknown } | null = null;
  const listeners = new Set<() => void>();
  const refuse = (r: typeof refusal) => {
    refusal = r;
    listeners.forEach((fn) => fn());
  };
  const subscribe = (fn: () => void) => {
    listeners.add(fn);
    return () => void listeners.delete(fn);
  };
  let running: Promise<void> | null = null;

  const attempt = async () => {
    const p = pending.get();
    if (!p) return;
    await hooks.before().catch(() => undefined);
    try {
      const delivery = await post(api, p);
      pending.set(null);
      hooks.answered(p, { delivery });
    } catch (err) {
      const later =
        !(err instanceof LastmileHttpError) ||
        err.status >= 500 ||
        (err instanceof LastmileProblem && LATER.has(err.code));
      if (later) return;
      pending.set(null);
      refuse({ step: p, error: err });
      hooks.answered(p, { error: err });
    }
  };
  const retry = () => {
    running ??= attempt().finally(() => {
      running = null;
    });
    return running;
  };
  setInterval(() => void retry(), RETRY_EVERY_MS);
  window.addEventListener('online', () => void retry());

  return {
    pending,
    /** Taps a step: kept until answered; a second tap while one waits is ignored. */
    tap(deliveryId: string, step: StepName, body: PendingStep['body']) {
      if (!pending.get()) {
        refuse(null);
        pending.set({ deliveryId, step, key: newKey(), body });
      }
      return retry();
    },
    retry,
    /** The last refusal (a React hook). */
    useRefusal: () => useSyncExternalStore(subscribe, () => refusal),
  };
}

export type StepOutbox = ReturnType<typeof stepOutbox>;
