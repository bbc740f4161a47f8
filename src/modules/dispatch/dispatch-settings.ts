import { Type } from '@sinclair/typebox';
import { component } from '../../platform/http/contract.ts';
import { settingsGroup } from '../../platform/settings/settings-group.ts';

const Weight = (description: string) => Type.Number({ minimum: 0, maximum: 100, description });

/**
 * The candidate score's weights (the scored strategy), which ops may change while dispatch runs;
 * LASTMILE_DISPATCH_WEIGHTS is the default. The next offer is ranked with the weights in force.
 */
export const DISPATCH_WEIGHTS = settingsGroup({
  id: 'dispatch-weights',
  module: 'dispatch',
  summary: 'Dispatch score weights',
  description:
    'How the scored strategy ranks the drivers it may offer a trip to (lower score first): each weight multiplies one part of the score. The default is LASTMILE_DISPATCH_WEIGHTS; the greedy strategy ignores them. The next offer made is ranked with the weights in force.',
  schema: component(
    'DispatchWeights',
    Type.Object(
      {
        travel: Weight('Time until the bag reaches the door (ten minutes weigh 1)'),
        acceptance: Weight("The driver's refusals (1 minus the acceptance rate)"),
        vehicle: Weight('A vehicle larger than the bag needs'),
        fairness: Weight('Little time waited since the last job (an hour saturates it)'),
      },
      { additionalProperties: false },
    ),
  ),
  defaults: (ctx) => ctx.config.dispatch.weights,
});
