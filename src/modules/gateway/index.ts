import type { ModuleDefinition } from '../../platform/module.ts';
import { registerGateway } from './gateway.plugin.ts';
import { RATE_LIMITS } from './gateway-settings.ts';
import { gatewayOf } from './gateway-state.ts';
import { gatewayRoutes } from './gateway.routes.ts';
import { gatewaySchemas } from './gateway.schemas.ts';

export { DEFAULT_POLICY, type PolicyDocument } from './policy.ts';

/** The API gateway: the rate limiter every request passes, after authentication. */
export const gatewayModule: ModuleDefinition = {
  name: 'gateway',
  schemas: gatewaySchemas,
  // The whole policy, which ops may replace while the API runs.
  settings: [RATE_LIMITS],
  frontDoor: async (app, ctx) => {
    gatewayOf(ctx).current = await registerGateway(app, ctx);
  },
  routes: (app, ctx) => gatewayRoutes(app, () => gatewayOf(ctx).current),
};
