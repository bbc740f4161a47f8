import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { EventBus } from '../../platform/bus/port.ts';
import { callerOf } from '../../platform/http/auth-hook.ts';
import { NewAccount, Strict, typed, Uuid } from '../../platform/http/typed.ts';
import { driverChannel } from './driver-channel.ts';
import { DRIVER_STATUSES, VEHICLES } from './drivers.repository.ts';
import { type DriversService, ownDriverId } from './drivers.service.ts';
import { PointsBody, toLocationPoint } from './location-input.ts';
import type { LocationIngest } from './location-ingest.ts';

type App = ReturnType<typeof typed>;

export async function driversRoutes(
  scope: FastifyInstance,
  deps: { drivers: DriversService; ingest: LocationIngest; bus: EventBus },
): Promise<void> {
  const app = typed(scope);
  profileRoutes(app, deps.drivers);
  shiftRoutes(app, deps.drivers, deps.ingest);
  driverChannel(scope, { ingest: deps.ingest, bus: deps.bus });
}

/** Onboarding (ops) and reading profiles. */
function profileRoutes(app: App, drivers: DriversService): void {
  app.post(
    '/v1/drivers',
    {
      config: { auth: ['ops'] },
      schema: {
        tags: ['drivers'],
        summary: 'Onboard a driver: profile and sign-in',
        body: Strict({
          ...NewAccount,
          vehicle: Type.Union(VEHICLES.map((v) => Type.Literal(v))),
          phone: Type.Optional(Type.String({ pattern: '^\\+?[0-9 ()-]{6,20}$' })),
          capacity_items: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
        }),
      },
    },
    async (req, reply) => {
      reply.code(201);
      return drivers.create(req.body);
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
          after: Type.Optional(Uuid),
          limit: Type.Integer({ minimum: 1, maximum: 500, default: 100 }),
        }),
      },
    },
    async (req) => {
      const items = await drivers.list(req.query);
      return {
        items,
        next_after: items.length === req.query.limit ? (items.at(-1)?.id ?? null) : null,
      };
    },
  );
  app.get(
    '/v1/drivers/me',
    { config: { auth: ['driver'] }, schema: { tags: ['drivers'], summary: 'Your driver profile' } },
    async (req) => drivers.get(ownDriverId(callerOf(req))),
  );
  app.get(
    '/v1/drivers/:id',
    {
      config: { auth: ['ops'] },
      schema: { tags: ['drivers'], summary: 'One driver', params: Strict({ id: Uuid }) },
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
      },
    },
    async (req) => ingest.ingest(ownDriverId(callerOf(req)), req.body.points.map(toLocationPoint)),
  );
}
