import { Type } from '@sinclair/typebox';
import { auditActOf } from '../../platform/http/audit-act.ts';
import { ok, problems, ref } from '../../platform/http/contract.ts';
import { Strict, type typed, Uuid } from '../../platform/http/typed.ts';
import type { DeliveriesService } from './deliveries.service.ts';
import type { StopStep as StopStepName } from './delivery-state.ts';
import { Delivery, StopStep } from './dispatch.schemas.ts';

const Id = Strict({ id: Uuid });
const Reason = Type.String({
  minLength: 1,
  maxLength: 500,
  description:
    'Why: kept with who and when in the delivery’s `overrides` and the audit log (`GET /v1/ops/audit`)',
});

/** Ops overriding a delivery's safeguards (delivery-overrides.ts), each audited. */
export function safeguardRoutes(app: ReturnType<typeof typed>, deliveries: DeliveriesService) {
  app.post(
    '/v1/deliveries/:id/geofence-waivers',
    {
      config: { auth: ['ops'] },
      schema: {
        tags: ['dispatch ops'],
        summary: 'Let the driver take one step of the delivery from wherever they are',
        description:
          "A step at the store or the door is accepted only within LASTMILE_GEOFENCE_M of it (TOO_FAR_FROM_STOP, LOCATION_UNKNOWN). The waiver lets the driver's next attempt at `step` through from anywhere, once; it is kept with who made it, when and why.",
        params: Id,
        body: Strict({ step: StopStep, reason: Reason }),
        response: {
          200: ok(ref(Delivery), 'Waived: the delivery with its overrides'),
          ...problems('CONFLICT'),
        },
      },
    },
    async (req) =>
      deliveries.waiveGeofence(
        auditActOf(req, req.body.reason),
        req.params.id,
        req.body.step as StopStepName,
      ),
  );
  app.post(
    '/v1/deliveries/:id/pin-unlock',
    {
      config: { auth: ['ops'] },
      schema: {
        tags: ['dispatch ops'],
        summary: 'Unlock a handover locked by wrong PINs',
        description:
          'After LASTMILE_PIN_MAX_ATTEMPTS wrong PINs the handover is refused (PIN_LOCKED) and support gets a ticket. Unlocking starts a fresh count; it is kept with who made it, when and why.',
        params: Id,
        body: Strict({ reason: Reason }),
        response: {
          200: ok(ref(Delivery), 'Unlocked: the delivery with its overrides'),
          ...problems('CONFLICT'),
        },
      },
    },
    async (req) => deliveries.unlockPin(auditActOf(req, req.body.reason), req.params.id),
  );
  opsDeliveredRoute(app, deliveries);
}

/** Ops closing a hand-over the driver could not record (delivery-ops.ts), audited. */
function opsDeliveredRoute(app: ReturnType<typeof typed>, deliveries: DeliveriesService) {
  app.post(
    '/v1/deliveries/:id/ops-delivered',
    {
      config: { auth: ['ops'] },
      schema: {
        tags: ['dispatch ops'],
        summary: 'Mark a picked-up delivery delivered, with how ops know',
        description:
          'For a hand-over the driver could not record (the app died at the door, no position): the delivery moves through its own states (arrived, delivered) with the steps and events a driver’s hand-over writes, so the order becomes delivered and is captured, and the driver is paid and freed. The proof (who confirmed it, how, a photo reference) stands in for the PIN or photo. 409 unless a driver has picked the bag up. Audited `delivery.mark_delivered`.',
        params: Id,
        body: Strict({
          reason: Reason,
          proof: Strict({
            confirmed_by: Type.Union(
              [
                Type.Literal('customer'),
                Type.Literal('driver'),
                Type.Literal('store'),
                Type.Literal('other'),
              ],
              { description: 'Who confirmed the hand-over' },
            ),
            method: Type.Union(
              [
                Type.Literal('phone_call'),
                Type.Literal('chat'),
                Type.Literal('photo'),
                Type.Literal('other'),
              ],
              { description: 'How they confirmed it' },
            ),
            photo_ref: Type.Optional(
              Type.String({
                minLength: 1,
                maxLength: 300,
                description: 'A photo of the hand-over (the media pipeline’s reference), if any',
              }),
            ),
          }),
        }),
        response: {
          200: ok(ref(Delivery), 'Delivered'),
          ...problems('CONFLICT'),
        },
      },
    },
    async (req) =>
      deliveries.markDelivered(auditActOf(req, req.body.reason), req.params.id, req.body.proof),
  );
}
