import type { DispatchSettings, DispatchWeights } from '../../platform/config.ts';
import type { Clock } from '../../platform/context.ts';
import type { Db } from '../../platform/db/pool.ts';
import type { Logger } from '../../platform/observability/logger.ts';
import type { CatalogServices } from '../catalog/index.ts';
import type { DriversModule } from '../drivers/index.ts';
import type { Learned, TravelPace } from '../eta/index.ts';
import type { OrdersService } from '../orders/index.ts';
import { type DispatchRepository, dispatchRepository } from './dispatch.repository.ts';
import { type DispatchStrategy, dispatchStrategy } from './dispatch-strategy.ts';

export interface DispatcherDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  settings: DispatchSettings;
  /** The score weights in force now (ops may change them: `dispatch-weights`). */
  weights: () => DispatchWeights;
  /** A driver silent for longer is not offered anything. */
  staleS: number;
  drivers: DriversModule;
  catalog: CatalogServices;
  orders: OrdersService;
  /** The straight line's pace now: learned speeds under the traffic and weather (cached). */
  pace: () => Promise<TravelPace>;
  /** A store's preparation as learned for an order it accepts now, at the backlog it met (cached). */
  prep: (o: { storeId: string; defaultPrepS: number; backlog: number | null }) => Promise<Learned>;
}

/** What every part of the dispatcher works with: its dependencies and what follows from them. */
export interface DispatcherEnv extends DispatcherDeps {
  repo: DispatchRepository;
  now(): Date;
  /** The widest search radius (the last configured one). */
  maxRadius: number;
  strategy: DispatchStrategy;
}

export function dispatcherEnv(deps: DispatcherDeps): DispatcherEnv {
  const { db, clock, settings } = deps;
  return {
    ...deps,
    repo: dispatchRepository(db),
    now: () => new Date(clock.now()),
    maxRadius: settings.radiiM.at(-1) ?? 10_000,
    strategy: dispatchStrategy({ strategy: settings.strategy, weights: deps.weights }),
  };
}
