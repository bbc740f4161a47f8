import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { AuditReason, auditActOf } from '../../platform/http/audit-act.ts';
import type { EventBus } from '../../platform/bus/port.ts';
import { callerOf } from '../../platform/http/auth-hook.ts';
import { Headers, ok, pageOf, problems, ref } from '../../platform/http/contract.ts';
import { NewAccount, Strict, typed, Uuid } from '../../platform/http/typed.ts';
import { driverChannel } from './driver-channel.ts';
import { DRIVER_STATUSES, VEHICLES } from './drivers.repository.ts';
import { Driver } from './drivers.schemas.ts';
import { type DriversService, ownDriverId } from './drivers.service.ts';
import { PointsBody, toLocationPoint } from './location-input.ts';
import type { LocationIngest } from './location-ingest.ts';

type App = ReturnType<typeof typed>;

const LocationReceipt = Type.Object(
  {
    accepted: Type.Integer({ minimum: 0, description: 'Points kept' }),
    dropped: Type.Object(
      {
        out_of_order: Type.Integer({ minimum: 0, description: 'Older than the last point kept' }),
        impossible_jump: Type.Integer({ minimum: 0, description: 'Faster than 70 m/s' }),
      },
      { additionalProperties: false },
    ),
  },
  { additionalProperties: false, description: 'What became of an upload' },
);

export async function driversRoutes(
  scope: FastifyInstance,
  deps: { drivers: DriversService; ingest: LocationIngest; bus: EventBus },
): Promise<void> {
  const app = typed(scope);
  profileRoutes(app, deps.drivers);
  shiftRoutes(app, deps.drivers, deps.ingest);
  driverChannel(scope, { ingest: deps.ingest, bus: deps.bus });
}

/** The audit log's reason for an onboarding that gives none. */
export const ONBOARDING_REASON = 'driver onboarding';

/** Onboarding (ops) and reading profiles. */
function profileRoutes(app: App, drivers: DriversService): void {
  app.post(
    '/v1/drivers',
    {
      config: { auth: ['ops'] },
      schema: {
        tags: ['drivers'],
        summary: 'Onboard a driver: profile and sign-in',
        description: `Written to the audit log (\`driver.create\`: vehicle, capacity and status; no name, email or phone) with the \`reason\` (\`${ONBOARDING_REASON}\` when none is given).`,
        body: Strict({
          ...NewAccount,
          vehicle: Type.Union(VEHICLES.map((v) => Type.Literal(v))),
          phone: Type.Optional(Type.String({ pattern: '^\\+?[0-9 ()-]{6,20}$' })),
          capacity_items: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
          reason: Type.Optional(AuditReason),
        }),
        response: {
          201: ok(ref(Driver), 'Onboarded; the driver signs in with the email and password', {
            Location: Headers.location,
          }),
          // The email is already in use.
          ...problems('CONFLICT'),
        },
      },
    },
    async (req, reply) => {
      const { reason, ...input } = req.body;
      const driver = await drivers.create(input, auditActOf(req, reason ?? ONBOARDING_REASON));
      reply.code(201).header('location', `/v1/drivers/${driver.id}`);
      return driver;
    },
  );
  app.get(
    '/v1/drivers',
    {
      config: { auth: ['ops'] },
      schema: {
        tags: ['drivers'],
        summary: 'Drivers, by status',
        querystring: Strict({
          status: Type.Optional(Type.Union(DRIVER_STATUSES.map((s) => Type.Literal(s)))),
          cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
          limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
        }),
        response: {
          200: ok(pageOf(ref(Driver), 'A page of drivers'), 'Drivers in id order'),
        },
      },
    },
    async (req) => drivers.list(req.query),
  );
  app.get(
    '/v1/drivers/me',
    {
      config: { auth: ['driver'] },
      schema: {
        tags: ['drivers'],
        summary: 'Your driver profile',
        response: { 200: ok(ref(Driver), 'Your profile'), ...problems('NOT_FOUND') },
      },
    },
    async (req) => drivers.get(ownDriverId(callerOf(req))),
  );
  app.get(
    '/v1/drivers/:id',
    {
      config: { auth: ['ops'] },
      schema: {
        tags: ['drivers'],
        summary: 'One driver',
        params: Strict({ id: Uuid }),
        response: { 200: ok(ref(Driver), 'The driver') },
      },
    },
    async (req) => drivers.get(req.params.id),
  );
}

/** A driver on shift: going available, on a break or offline, and uploading positions. */
function shiftRoutes(app: App, drivers: DriversService, ingest: LocationIngest): void {
  app.put(
    '/v1/drivers/me/shift',
    {
      config: { auth: ['driver'] },
      schema: {
        tags: ['drivers'],
        summary: 'Start or end a shift, or take a break',
        body: Strict({
          status: Type.Union([
            Type.Literal('available'),
            Type.Literal('break'),
            Type.Literal('offline'),
          ]),
        }),
        response: {
          200: ok(ref(Driver), 'Your profile in its new status'),
          // On a delivery: finish it first.
          ...problems('CONFLICT', 'NOT_FOUND'),
        },
      },
    },
    async (req) => drivers.setShift(callerOf(req), req.body.status),
  );
  app.post(
    '/v1/drivers/me/locations',
    {
      // A batch is idempotent by nature (a repeated point is out of order), so no stored replay.
      config: { auth: ['driver'], idempotency: 'off' },
      schema: {
        tags: ['drivers'],
        summary: 'Upload recent positions (up to 100)',
        description:
          'Out-of-order points and physically impossible jumps are dropped and counted. A point more than 30 s in the future refuses the whole batch. 503 with Retry-After when ingest is behind.',
        body: PointsBody,
        response: { 200: ok(LocationReceipt, 'Stored: how many points were kept and dropped') },
      },
    },
    async (req) => ingest.ingest(ownDriverId(callerOf(req)), req.body.points.map(toLocationPoint)),
  );
}
