import { Type } from '@sinclair/typebox';
import { component, ref, stringEnum } from '../../platform/http/contract.ts';
import { Uuid } from '../../platform/http/typed.ts';
import { Delivery } from './dispatch.schemas.ts';
import { PAID_OUTCOMES } from './earnings.ts';

/** Driver pay's API shapes (driver-pay.ts has the rules). */

const Closed = { additionalProperties: false } as const;
const Minor = (description: string) => Type.Integer({ minimum: 0, description });
const Currency = Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217' });
const Day = Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'A UTC day' });

const earningExample = {
  delivery_id: '0190f0c2-7a10-7c3e-8d11-2b6f3c9a0d01',
  order_id: '0190f0c2-6a2e-7b61-9d8e-3f3a1f6f2a10',
  trip_id: '0190f0c2-7a0f-7e21-a4c5-5d0e9b1c7f02',
  outcome: 'delivered',
  currency: 'EUR',
  base_minor: 250,
  distance_m: 1915,
  distance_minor: 115,
  waiting_s: 420,
  waiting_minor: 30,
  total_minor: 395,
  earned_at: '2026-12-06T18:41:12.000Z',
};

export const Earning = component(
  'Earning',
  Type.Object(
    {
      delivery_id: Uuid,
      order_id: Uuid,
      trip_id: Uuid,
      outcome: stringEnum(
        PAID_OUTCOMES,
        'How the delivery ended; failed and returned (after pickup) pay like delivered',
      ),
      currency: Currency,
      base_minor: Minor('The base per delivery'),
      distance_m: Type.Integer({
        minimum: 0,
        description: 'Its share of the way to the store and its leg to the drop-off',
      }),
      distance_minor: Minor('For distance_m, at the rate of the offer'),
      waiting_s: Type.Integer({ minimum: 0, description: 'From arriving at the store to pickup' }),
      waiting_minor: Minor('For the whole minutes past the free allowance, its share'),
      total_minor: Minor('base_minor + distance_minor + waiting_minor'),
      earned_at: Type.String({ format: 'date-time', description: 'When the delivery ended' }),
    },
    {
      ...Closed,
      description: 'What one delivery earned its driver, recorded once when it ended',
      examples: [earningExample],
    },
  ),
);

const DayTotal = Type.Object(
  {
    day: Day,
    currency: Currency,
    deliveries: Type.Integer({ minimum: 0 }),
    total_minor: Minor('Earned that day'),
    waiting_minor: Minor('Of which waiting'),
  },
  Closed,
);

export const DriverEarnings = component(
  'DriverEarnings',
  Type.Object(
    {
      driver_id: Uuid,
      from: Day,
      to: Day,
      days: Type.Array(DayTotal, {
        description: 'Totals of each UTC day of the range with earnings, oldest first (all pages)',
      }),
      items: Type.Array(ref(Earning), { description: 'The deliveries, oldest first' }),
      next_cursor: Type.Union([Type.String(), Type.Null()], {
        description: 'Pass as `cursor` for the next page of deliveries; null on the last page',
      }),
    },
    {
      ...Closed,
      description:
        "A driver's earnings over whole UTC days: totals per day and a page of deliveries",
      examples: [
        {
          driver_id: '0190a3b1-2d11-7a4b-8c5d-6e7f8a9b0c04',
          from: '2026-12-06',
          to: '2026-12-06',
          days: [
            {
              day: '2026-12-06',
              currency: 'EUR',
              deliveries: 1,
              total_minor: 395,
              waiting_minor: 30,
            },
          ],
          items: [earningExample],
          next_cursor: null,
        },
      ],
    },
  ),
);

export const DriverDay = component(
  'DriverDay',
  Type.Object(
    {
      day: Day,
      items: Type.Array(
        Type.Object(
          {
            delivery: ref(Delivery),
            earning: Type.Union([ref(Earning), Type.Null()], {
              description: 'Null until the delivery ends (or when it was canceled)',
            }),
          },
          Closed,
        ),
        { description: 'Newest change first' },
      ),
    },
    {
      ...Closed,
      description:
        'The deliveries a driver held whose status last changed on the day, with what each earned',
    },
  ),
);

export const earningsSchemas = [Earning, DriverEarnings, DriverDay];
