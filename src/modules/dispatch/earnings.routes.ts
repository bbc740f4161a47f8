import { Type } from '@sinclair/typebox';
import { callerOf } from '../../platform/http/auth-hook.ts';
import { ok, ref } from '../../platform/http/contract.ts';
import { CursorParam } from '../../platform/http/page-cursor.ts';
import { Strict, type typed, Uuid } from '../../platform/http/typed.ts';
import type { DeliveriesService } from './deliveries.service.ts';
import { DriverDay, DriverEarnings } from './earnings.schemas.ts';
import { MAX_EARNING_DAYS } from './earnings-views.ts';

type App = ReturnType<typeof typed>;

const Day = (description: string) =>
  Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description }));

const EarningsQuery = Strict({
  from: Day('First UTC day (YYYY-MM-DD); default `to`, or today'),
  to: Day(`Last UTC day, included; default \`from\`, or today; at most ${MAX_EARNING_DAYS} days`),
  cursor: CursorParam,
  limit: Type.Integer({ minimum: 1, maximum: 200, default: 50 }),
});

/** What drivers earned: their own (drivers) and any driver's (ops). Rules in driver-pay.ts. */
export function earningsRoutes(app: App, deliveries: DeliveriesService): void {
  app.get(
    '/v1/drivers/me/earnings',
    {
      config: { auth: ['driver'] },
      schema: {
        tags: ['dispatch'],
        summary: 'Your earnings: totals per day and the deliveries, over whole UTC days',
        querystring: EarningsQuery,
        response: { 200: ok(ref(DriverEarnings), 'Your earnings in the range') },
      },
    },
    async (req) => deliveries.myEarnings(callerOf(req), req.query),
  );
  app.get(
    '/v1/drivers/:id/earnings',
    {
      config: { auth: ['ops'] },
      schema: {
        tags: ['dispatch'],
        summary: "A driver's earnings: totals per day and the deliveries (ops)",
        params: Strict({ id: Uuid }),
        querystring: EarningsQuery,
        response: { 200: ok(ref(DriverEarnings), "The driver's earnings in the range") },
      },
    },
    async (req) => deliveries.earningsOfDriver(req.params.id, req.query),
  );
  app.get(
    '/v1/drivers/me/deliveries',
    {
      config: { auth: ['driver'] },
      schema: {
        tags: ['dispatch'],
        summary: "Your deliveries of a day (today's by default), each with what it earned",
        querystring: Strict({ day: Day('The UTC day (YYYY-MM-DD); default today') }),
        response: { 200: ok(ref(DriverDay), 'Your deliveries whose status last changed that day') },
      },
    },
    async (req) => deliveries.myDeliveries(callerOf(req), req.query.day),
  );
}
