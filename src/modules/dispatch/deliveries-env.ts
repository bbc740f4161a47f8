import type { AuditLog } from '../../platform/audit/audit-log.ts';
import type { DispatchSettings } from '../../platform/config.ts';
import type { Clock } from '../../platform/context.ts';
import type { Db } from '../../platform/db/pool.ts';
import type { DriversModule } from '../drivers/index.ts';
import { type DispatchRepository, dispatchRepository } from './dispatch.repository.ts';
import type { Dispatcher } from './dispatcher.ts';

export interface DeliveriesDeps {
  db: Db;
  clock: Clock;
  drivers: DriversModule;
  dispatcher: Dispatcher;
  /** The geofence of a stop, the wrong PINs a handover takes before it locks, driver pay. */
  settings: Pick<DispatchSettings, 'geofenceM' | 'pinMaxAttempts' | 'pay'>;
  /** A position older than this is not where the driver is. */
  staleS: number;
  /** Where ops' actions are written, in their transactions. */
  audit: AuditLog;
}

/** What the parts of the deliveries service work with: its dependencies, a repository, the time. */
export interface DeliveriesEnv extends DeliveriesDeps {
  repo: DispatchRepository;
  now(): Date;
}

export function deliveriesEnv(deps: DeliveriesDeps): DeliveriesEnv {
  return { ...deps, repo: dispatchRepository(deps.db), now: () => new Date(deps.clock.now()) };
}
