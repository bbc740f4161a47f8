import { Counter } from 'prom-client';
import type { PlatformContext } from '../../platform/context.ts';
import { osrmTravel } from './travel-osrm.ts';
import type { TravelTimes } from './travel-times.ts';

/**
 * The routing adapter the configuration asks for (`LASTMILE_ROUTING_URL`), over the straight line
 * as its fallback; none when no URL is set. Every answer is counted by outcome
 * (`lastmile_routing_answers_total`: ok, timeout, status, error, no_route, breaker_open) and a
 * failure of the service is logged (not the legs skipped while its breaker is open).
 */
export function routingOf(
  ctx: PlatformContext,
): ((straight: TravelTimes) => TravelTimes) | undefined {
  const { url, timeoutMs } = ctx.config.routing;
  if (!url) return undefined;
  const answers = new Counter({
    name: 'lastmile_routing_answers_total',
    help: 'Legs asked of the routing service, by outcome (all but ok were answered by the straight line)',
    labelNames: ['outcome'],
    registers: [ctx.metrics.registry],
  });
  const logger = ctx.logger.child({ module: 'eta' });
  return (straight) =>
    osrmTravel({
      url,
      timeoutMs,
      fallback: straight,
      onAnswer: (outcome, err) => {
        answers.inc({ outcome });
        if (outcome !== 'ok' && outcome !== 'breaker_open' && outcome !== 'no_route')
          logger.warn(
            { err, outcome },
            'the routing service did not answer; the straight line did',
          );
      },
    });
}
