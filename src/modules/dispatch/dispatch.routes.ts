import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { AuditReason, auditActOf } from '../../platform/http/audit-act.ts';
import { callerOf } from '../../platform/http/auth-hook.ts';
import { empty, ok, pageOf, problems, ref } from '../../platform/http/contract.ts';
import { Strict, typed, Uuid } from '../../platform/http/typed.ts';
import type { DeliveriesService } from './deliveries.service.ts';
import { type DriverStep, STOP_STEPS } from './delivery-state.ts';
import { Delivery, DispatchQueueEntry, Offer, Trip } from './dispatch.schemas.ts';
import { earningsRoutes } from './earnings.routes.ts';
import { safeguardRoutes } from './safeguard.routes.ts';

const Id = Strict({ id: Uuid });
const Where = {
  lat: Type.Number({ minimum: -90, maximum: 90 }),
  lng: Type.Number({ minimum: -180, maximum: 180 }),
};
const Reason = Type.String({ minLength: 1, maxLength: 500 });

/** Driver steps: path segment → status. */
const STEPS: ReadonlyArray<[string, DriverStep, string]> = [
  ['arrived-at-store', 'at_store', 'You are at the store (your last position must be there)'],
  [
    'picked-up',
    'picked_up',
    'You have the bag (the store must have marked the order ready; you must be at the store)',
  ],
  [
    'arrived-at-dropoff',
    'at_dropoff',
    'You are at the customer (your last position must be there)',
  ],
  [
    'delivered',
    'delivered',
    "Handed over at the door: the customer's PIN or a photo reference, as the delivery's `proof` says (wrong PINs lock it); age-restricted items need age_checked",
  ],
  ['failed', 'failed', 'The handover failed (nobody home, refused…): say why'],
  ['returned', 'returned', 'The bag went back to the store: say why'],
];

type App = ReturnType<typeof typed>;

export async function dispatchRoutes(
  scope: FastifyInstance,
  deliveries: DeliveriesService,
): Promise<void> {
  const app = typed(scope);
  driverJobRoutes(app, deliveries);
  deliveryRoutes(app, deliveries);
  stepRoutes(app, deliveries);
  opsRoutes(app, deliveries);
  safeguardRoutes(app, deliveries);
  earningsRoutes(app, deliveries);
}

/** The driver's offers and current job. */
function driverJobRoutes(app: App, deliveries: DeliveriesService): void {
  app.get(
    '/v1/dispatch/offers',
    {
      config: { auth: ['driver'] },
      schema: {
        tags: ['dispatch'],
        summary: 'Your open job offer, if any',
        response: {
          200: ok(
            Type.Object(
              {
                items: Type.Array(ref(Offer), {
                  maxItems: 1,
                  description: 'A driver holds at most one open offer, so never more than one',
                }),
              },
              { additionalProperties: false },
            ),
            'Your open offer, or none',
          ),
        },
      },
    },
    async (req) => deliveries.openOffers(callerOf(req)),
  );
  app.post(
    '/v1/dispatch/offers/:id/accept',
    {
      config: { auth: ['driver'] },
      schema: {
        tags: ['dispatch'],
        summary: 'Take the job (409 when it expired or went to someone else)',
        params: Id,
        response: {
          200: ok(ref(Trip), 'The job is yours: the trip, as `GET /v1/dispatch/trips/current`'),
          ...problems('CONFLICT'),
        },
      },
    },
    async (req) => deliveries.accept(callerOf(req), req.params.id),
  );
  app.post(
    '/v1/dispatch/offers/:id/decline',
    {
      config: { auth: ['driver'] },
      schema: {
        tags: ['dispatch'],
        summary: 'Pass on the job; it goes to the next driver',
        params: Id,
        body: Strict({ reason: Type.Optional(Reason) }),
        response: { 200: ok(ref(Offer), 'The offer, declined'), ...problems('CONFLICT') },
      },
    },
    async (req) => deliveries.decline(callerOf(req), req.params.id, req.body.reason),
  );
  app.get(
    '/v1/dispatch/trips/current',
    {
      config: { auth: ['driver'] },
      schema: {
        tags: ['dispatch'],
        summary: 'Your current job and its deliveries',
        response: {
          200: ok(ref(Trip), 'The trip you are on'),
          204: empty('You have no job right now'),
        },
      },
    },
    async (req, reply) => {
      const trip = await deliveries.currentTrip(callerOf(req));
      return trip ?? reply.code(204).send();
    },
  );
}

/** A delivery as its parties see it, the customer's rating and the driver's steps. */
function deliveryRoutes(app: App, deliveries: DeliveriesService): void {
  app.get(
    '/v1/deliveries/:id',
    {
      config: { auth: ['customer', 'driver', 'store', 'ops'] },
      schema: {
        tags: ['deliveries'],
        summary: 'A delivery and its steps',
        params: Id,
        response: { 200: ok(ref(Delivery), 'The delivery') },
      },
    },
    async (req) => deliveries.get(callerOf(req), req.params.id),
  );
  app.get(
    '/v1/orders/:id/delivery',
    {
      config: { auth: ['customer', 'driver', 'store', 'ops'] },
      schema: {
        tags: ['deliveries'],
        summary: "The order's delivery; the customer also sees the handover PIN",
        params: Id,
        response: { 200: ok(ref(Delivery), "The order's delivery") },
      },
    },
    async (req) => deliveries.ofOrder(callerOf(req), req.params.id),
  );
  app.post(
    '/v1/orders/:id/delivery/rating',
    {
      config: { auth: ['customer'] },
      schema: {
        tags: ['deliveries'],
        summary: 'Rate the courier of a delivered order (once)',
        params: Id,
        body: Strict({ stars: Type.Integer({ minimum: 1, maximum: 5 }) }),
        response: {
          200: ok(ref(Delivery), 'Rated: the delivery with its rating'),
          ...problems('CONFLICT'),
        },
      },
    },
    async (req) => deliveries.rate(callerOf(req), req.params.id, req.body.stars),
  );
}

/** The assigned driver's steps, one route each. */
function stepRoutes(app: App, deliveries: DeliveriesService): void {
  for (const [path, to, summary] of STEPS) {
    const handover = to === 'delivered';
    const atStop = (STOP_STEPS as readonly string[]).includes(to);
    const needsReason = to === 'failed' || to === 'returned';
    app.post(
      `/v1/deliveries/:id/${path}`,
      {
        config: { auth: ['driver'] },
        schema: {
          tags: ['deliveries'],
          summary,
          params: Id,
          body: Strict({
            ...Where,
            ...(handover
              ? {
                  pin: Type.Optional(Type.String({ pattern: '^[0-9]{4}$' })),
                  photo_ref: Type.Optional(Type.String({ minLength: 1, maxLength: 300 })),
                  age_checked: Type.Optional(Type.Boolean()),
                }
              : {}),
            ...(needsReason ? { reason: Reason } : {}),
          }),
          response: {
            200: ok(ref(Delivery), 'The delivery, moved'),
            // Away from the stop (or no fresh position) 409; a handover with a wrong PIN, without
            // the proof the delivery asks for or without the age check 422; locked PIN 423.
            ...problems(
              'CONFLICT',
              ...(atStop ? (['TOO_FAR_FROM_STOP', 'LOCATION_UNKNOWN'] as const) : []),
              ...(handover ? (['UNPROCESSABLE', 'PROOF_REQUIRED', 'PIN_LOCKED'] as const) : []),
            ),
          },
        },
      },
      async (req) =>
        deliveries.step(callerOf(req), req.params.id, to, req.body as { lat: number; lng: number }),
    );
  }
}

/** Ops: the queue of trips waiting for a driver, and taking jobs from drivers. */
function opsRoutes(app: App, deliveries: DeliveriesService): void {
  app.get(
    '/v1/dispatch/queue',
    {
      config: { auth: ['ops'] },
      schema: {
        tags: ['dispatch ops'],
        summary: 'Trips waiting for a driver, most urgent first, with their ages',
        querystring: Strict({
          cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
          limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
        }),
        response: {
          200: ok(pageOf(ref(DispatchQueueEntry), 'A page of the queue'), 'Waiting trips'),
        },
      },
    },
    async (req) => deliveries.queue(req.query),
  );
  app.post(
    '/v1/dispatch/trips/:id/reassign',
    {
      config: { auth: ['ops'] },
      schema: {
        tags: ['dispatch ops'],
        summary: 'Take the trip from its driver (or withdraw its offer) and find another',
        params: Id,
        body: Strict({ reason: AuditReason }),
        response: {
          200: ok(ref(Trip), 'The trip, searching again or already offered to the next driver'),
          ...problems('CONFLICT'),
        },
      },
    },
    async (req) => deliveries.reassign(auditActOf(req, req.body.reason), req.params.id),
  );
  app.post(
    '/v1/dispatch/drivers/:id/unassign',
    {
      config: { auth: ['ops'] },
      schema: {
        tags: ['dispatch ops'],
        summary: 'Release a driver from their job; the job is offered to someone else',
        params: Id,
        body: Strict({ reason: AuditReason }),
        response: {
          200: ok(ref(Trip), 'The trip the driver held, searching again'),
          ...problems('CONFLICT'),
        },
      },
    },
    async (req) => deliveries.unassignDriver(auditActOf(req, req.body.reason), req.params.id),
  );
}
