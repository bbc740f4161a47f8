import { stateMachineText } from '../../platform/http/contract.ts';
import { DELIVERY_TRANSITIONS } from './delivery-state.ts';
import { OFFER_TRANSITIONS, TRIP_TRANSITIONS } from './trip-state.ts';

/** What a reader of the API document needs before calling dispatch: the three state machines. */
export const dispatchTags = [
  {
    name: 'dispatch',
    description: [
      'A store-accepted order gets a **delivery**; deliveries travel in a **trip** (one, or two batched from one store), and a trip is **offered** to one driver at a time until one accepts.',
      `Trip:\n\n${stateMachineText(TRIP_TRANSITIONS)}`,
      `Offer:\n\n${stateMachineText(OFFER_TRANSITIONS)}`,
    ].join('\n\n'),
  },
  {
    name: 'deliveries',
    description: [
      'The assigned driver moves a delivery step by step; the order follows (picked up → `picked_up`, delivered → `delivered`). A status never goes backwards except `assigned → pending` when the driver is taken off before pickup.',
      `Delivery:\n\n${stateMachineText(DELIVERY_TRANSITIONS)}`,
    ].join('\n\n'),
  },
];
