import { whole } from './config-schema.ts';

/** The ops console's live city map (`GET /v1/ops/city/live`): how often it looks, what is backlogged. */
export const CITY_SETTINGS = {
  opsCityTickMs: whole({
    env: 'LASTMILE_OPS_CITY_TICK_MS',
    description:
      "Milliseconds between two reads of the drivers' positions for the ops console's live map (each read that finds a change is one frame of the stream)",
    default: 250,
    minimum: 50,
    maximum: 10_000,
  }),
  opsCityStateMs: whole({
    env: 'LASTMILE_OPS_CITY_STATE_MS',
    description:
      "Milliseconds between two reads of the drivers' status and trips, the open orders, the stores and the zones for the live map",
    default: 2000,
    minimum: 100,
    maximum: 60_000,
  }),
  opsStoreBacklog: whole({
    env: 'LASTMILE_OPS_STORE_BACKLOG',
    description:
      'Open orders not yet picked up above which the live map shows an open store as backlogged',
    default: 10,
    minimum: 1,
    maximum: 10_000,
  }),
};

/** The live map's settings as the ops console reads them (`config.opsCity`). */
export interface CitySettings {
  tickMs: number;
  stateMs: number;
  backlog: number;
}

export const citySettings = (s: {
  opsCityTickMs: number;
  opsCityStateMs: number;
  opsStoreBacklog: number;
}): CitySettings => ({
  tickMs: s.opsCityTickMs,
  stateMs: s.opsCityStateMs,
  backlog: s.opsStoreBacklog,
});
