import { Type } from '@sinclair/typebox';
import { component, ref } from '../../platform/http/contract.ts';
import { DateTime, Strict } from '../../platform/http/typed.ts';

// The delivery window promised at checkout, its point, and what the point was made of.

const Seconds = (description: string) => Type.Integer({ minimum: 0, description });

export const PromiseParts = component(
  'PromiseParts',
  Strict(
    {
      accept_s: Seconds('The store looking at the order and accepting it'),
      prep_s: Seconds('Picking and packing the bag'),
      pickup_lag_s: Seconds('From the bag being ready to the courier taking it'),
      ride_s: Seconds('The ride to the door, with the traffic and weather expected on it'),
      handover_s: Seconds('From the courier at the door to the order handed over'),
      error_s: Type.Integer({
        description:
          'The correction the error of earlier promises added to the sum (negative: they came in early)',
      }),
    },
    'What the promise added up at checkout, in seconds, each part as learned from the deliveries before',
  ),
);

export const OrderPromise = component(
  'OrderPromise',
  Strict({
    from: DateTime,
    to: DateTime,
    at: Type.String({
      format: 'date-time',
      description:
        'The expected arrival inside the window ("arrives about 18:27"), learned from the deliveries before; the middle of the window for orders placed before it was kept',
    }),
    parts: Type.Union([ref(PromiseParts), Type.Null()], {
      description:
        'What the expected arrival is made of; null for orders placed before it was kept',
    }),
  }),
);
