import { useState, useSyncExternalStore } from 'react';
import { LastmileProblem, type Schemas } from '@lastmile/client';
import { useBrowserOnline } from '@web/connection.tsx';
import { describeError } from '@web/problems.ts';
import { link, m, reporter, steps } from '../../app.ts';
import type { StepName } from '../../live/steps.ts';

type Delivery = Schemas['Delivery'];

/** The step a delivery takes next, by where it is; null when the driver has nothing to do. */
export function nextStep(d: Delivery): StepName | null {
  switch (d.status) {
    case 'assigned':
      return 'arrived-at-store';
    case 'at_store':
      return 'picked-up';
    case 'picked_up':
      return 'arrived-at-dropoff';
    case 'at_dropoff':
      return 'delivered';
    default:
      return null;
  }
}

const LABEL: Record<StepName, string> = {
  'arrived-at-store': m.trip.arrivedStore,
  'picked-up': m.trip.pickedUp,
  'arrived-at-dropoff': m.trip.arrivedDropoff,
  delivered: m.trip.handover,
};

/** The API's refusal of a step, in the driver's words. */
function refusalText(err: unknown, step: StepName): string {
  if (err instanceof LastmileProblem) {
    const far = err.extra;
    if (
      err.code === 'TOO_FAR_FROM_STOP' &&
      typeof far.distance_m === 'number' &&
      typeof far.limit_m === 'number'
    )
      return m.trip.tooFar(far.distance_m, far.limit_m);
    if (err.code === 'UNPROCESSABLE' && far.field === 'pin')
      return m.trip.wrongPin(typeof far.attempts_left === 'number' ? far.attempts_left : null);
    if (err.code === 'UNPROCESSABLE' && step === 'delivered') return m.trip.ageRequired;
    if (err.code === 'CONFLICT' && step === 'picked-up') return m.trip.notReadyRefused;
  }
  return describeError(err, m.problems);
}

/** The next step of a delivery: a button (with the PIN for the handover), kept until answered. */
export function StepButton({ delivery, step }: { delivery: Delivery; step: StepName }) {
  const [pin, setPin] = useState('');
  const [aged, setAged] = useState(false);
  const pending = steps.pending.use();
  const refusal = steps.useRefusal();
  const mine = pending?.deliveryId === delivery.id && pending.step === step;
  const refused = refusal?.step.deliveryId === delivery.id && refusal.step.step === step;
  const handover = step === 'delivered';
  const channel = useSyncExternalStore(link.subscribe, () => link.state);
  const cut = !useBrowserOnline() || channel !== 'open';
  const tap = async () => {
    const at = reporter.last ?? (await reporter.now());
    const body = { lat: at?.lat ?? delivery.dropoff.lat, lng: at?.lng ?? delivery.dropoff.lng };
    const proof = handover
      ? { ...(pin ? { pin } : {}), ...(aged ? { age_checked: true } : {}) }
      : {};
    void steps.tap(delivery.id, step, { ...body, ...proof });
  };
  return (
    <div className="stack" data-testid="step" data-step={step}>
      {handover && delivery.proof !== 'photo' && (
        <>
          <label htmlFor={`pin-${delivery.id}`}>{m.trip.pin}</label>
          <input
            id={`pin-${delivery.id}`}
            inputMode="numeric"
            autoComplete="off"
            pattern="[0-9]{4}"
            maxLength={4}
            value={pin}
            onChange={(e) => setPin(e.target.value.replace(/\D/g, ''))}
          />
        </>
      )}
      {handover && delivery.age_restricted && (
        <label className="row">
          <input type="checkbox" checked={aged} onChange={(e) => setAged(e.target.checked)} />
          {m.trip.ageCheck}
        </label>
      )}
      <button
        type="button"
        disabled={
          pending !== null ||
          (handover && delivery.proof === 'pin' && pin.length !== 4) ||
          (handover && delivery.age_restricted && !aged)
        }
        onClick={() => void tap()}
      >
        {mine ? m.trip.sending : LABEL[step]}
      </button>
      {mine && cut && (
        <p className="muted" role="status" data-testid="step-queued">
          {m.trip.queued}
        </p>
      )}
      {refused && (
        <p role="alert" className="alert" data-testid="step-refused">
          {refusalText(refusal.error, step)}
        </p>
      )}
    </div>
  );
}
