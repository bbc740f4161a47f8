import { Type } from '@sinclair/typebox';
import { component, stringEnum } from '../../platform/http/contract.ts';
import { DateTime, Uuid } from '../../platform/http/typed.ts';
import { driverMovesText } from './driver-status.ts';
import { DRIVER_STATUSES, VEHICLES } from './drivers.repository.ts';

/** The drivers module's API shapes (named components of the OpenAPI document). */

export const Driver = component(
  'Driver',
  Type.Object(
    {
      id: Uuid,
      name: Type.String(),
      phone: Type.Union([Type.String(), Type.Null()]),
      vehicle: stringEnum(VEHICLES),
      capacity_items: Type.Integer({ description: 'Items the vehicle carries' }),
      status: stringEnum(
        DRIVER_STATUSES,
        `Shift status; on_delivery is set and cleared by dispatch. Moves: ${driverMovesText()}`,
      ),
      status_at: DateTime,
      acceptance_rate: Type.Number({
        minimum: 0,
        maximum: 1,
        description: 'Offers accepted, with a prior of 4 out of 5 for new drivers',
      }),
      rating: Type.Union([Type.Number({ minimum: 1, maximum: 5 }), Type.Null()], {
        description: 'Mean stars from customers; null before the first rating',
      }),
      ratings_count: Type.Integer(),
      deliveries_done: Type.Integer(),
      last_job_at: Type.Union([DateTime, Type.Null()]),
      last_position: Type.Union(
        [
          Type.Object(
            { lat: Type.Number(), lng: Type.Number(), at: DateTime },
            { additionalProperties: false },
          ),
          Type.Null(),
        ],
        { description: 'The last stored position (written every second or so), if any' },
      ),
    },
    {
      additionalProperties: false,
      description: 'A courier: profile, shift status and record',
      examples: [
        {
          id: '0190a3b1-2d11-7a4b-8c5d-6e7f8a9b0c04',
          name: 'Ada Rider',
          phone: '+49 30 1234567',
          vehicle: 'bike',
          capacity_items: 15,
          status: 'available',
          status_at: '2026-12-06T17:58:00.000Z',
          acceptance_rate: 0.857,
          rating: 4.75,
          ratings_count: 4,
          deliveries_done: 12,
          last_job_at: '2026-12-06T17:40:12.000Z',
          last_position: { lat: 52.5251, lng: 13.3935, at: '2026-12-06T18:02:30.000Z' },
        },
      ],
    },
  ),
);

export const driversSchemas = [Driver];
