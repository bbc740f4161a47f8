import { url, whole } from './config-schema.ts';

/** Where travel times come from (ARCHITECTURE.md, ETA and tracking: the travel-time provider). */
export const ROUTING_SETTINGS = {
  routingUrl: url({
    env: 'LASTMILE_ROUTING_URL',
    description:
      "Base URL of an OSRM-compatible routing service (`GET {url}/route/v1/{profile}/{lng},{lat};{lng},{lat}`) for the ETA's road times; unset: the straight line at the learned speeds",
    protocols: ['http:', 'https:'],
    shownDefault: '(straight line)',
  }),
  routingTimeoutMs: whole({
    env: 'LASTMILE_ROUTING_TIMEOUT_MS',
    description:
      'Milliseconds a routing request may take before the straight line answers instead (5 failures in a row stop asking for 10 s)',
    default: 250,
    minimum: 10,
    maximum: 10_000,
  }),
};

/** The routing service as the ETA reads it (`config.routing`). */
export interface RoutingSettings {
  url: string | undefined;
  timeoutMs: number;
}

export const routingSettings = (s: {
  routingUrl?: string | undefined;
  routingTimeoutMs: number;
}): RoutingSettings => ({ url: s.routingUrl, timeoutMs: s.routingTimeoutMs });
