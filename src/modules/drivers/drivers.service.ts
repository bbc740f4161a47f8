import { uuidv7 } from 'uuidv7';
import type { AuditAct, AuditLog } from '../../platform/audit/audit-log.ts';
import type { Principal } from '../../platform/auth/principal.ts';
import type { Clock } from '../../platform/context.ts';
import type { Db } from '../../platform/db/pool.ts';
import { AppError } from '../../platform/errors.ts';
import type { IdentityService } from '../identity/index.ts';
import { idCursor } from '../../platform/http/page-cursor.ts';
import { JOB_SOURCES, SHIFT_SOURCES } from './driver-status.ts';
import { driverLocationsRepository } from './driver-locations.repository.ts';
import {
  type DriverRow,
  type DriverStatus,
  driversRepository,
  type Vehicle,
} from './drivers.repository.ts';

const DRIVERS_CURSOR = idCursor('drivers');

/** Items a vehicle carries when the profile does not say. */
export const DEFAULT_CAPACITY: Record<Vehicle, number> = { bike: 15, scooter: 25, car: 80 };

/**
 * Acceptance rate with a prior of 4 accepted out of 5, so one early decline does not sink a new
 * driver and a long record outweighs the prior.
 */
export const acceptanceRate = (d: Pick<DriverRow, 'offers_received' | 'offers_accepted'>) =>
  (d.offers_accepted + 4) / (d.offers_received + 5);

export const driverView = (d: DriverRow) => ({
  id: d.id,
  name: d.name,
  phone: d.phone,
  vehicle: d.vehicle,
  capacity_items: d.capacity_items,
  status: d.status,
  status_at: d.status_at.toISOString(),
  acceptance_rate: Math.round(acceptanceRate(d) * 1000) / 1000,
  rating: d.ratings_count > 0 ? Math.round((d.ratings_sum / d.ratings_count) * 100) / 100 : null,
  ratings_count: d.ratings_count,
  deliveries_done: d.deliveries_done,
  last_job_at: d.last_job_at?.toISOString() ?? null,
  last_position: d.last_fix_at
    ? { lat: d.last_lat, lng: d.last_lng, at: d.last_fix_at.toISOString() }
    : null,
});
export type DriverView = ReturnType<typeof driverView>;

export interface NewDriver {
  name: string;
  email: string;
  password: string;
  vehicle: Vehicle;
  phone?: string | undefined;
  capacity_items?: number | undefined;
}

/** What the audit log keeps of a driver: the profile's settings, nothing personal (no name, phone). */
const auditState = (d: DriverRow) => ({
  vehicle: d.vehicle,
  capacity_items: d.capacity_items,
  status: d.status,
});

interface DriversDeps {
  db: Db;
  clock: Clock;
  identity: IdentityService;
  audit: AuditLog;
}

/** Profile and sign-in in one transaction, with its audit entry. */
async function createDriver(deps: DriversDeps, input: NewDriver, act: AuditAct) {
  const { db } = deps;
  const id = uuidv7();
  const row = await db.transaction().execute(async (trx) => {
    const created = await driversRepository(trx).insert({
      id,
      name: input.name,
      phone: input.phone ?? null,
      vehicle: input.vehicle,
      capacity_items: input.capacity_items ?? DEFAULT_CAPACITY[input.vehicle],
    });
    // Profile and sign-in together: an email already in use (409) leaves no profile behind.
    await deps.identity.createUser(
      {
        email: input.email,
        name: input.name,
        password: input.password,
        role: 'driver',
        driverId: id,
      },
      trx,
    );
    await deps.audit.record(trx, act, {
      action: 'driver.create',
      target: { type: 'driver', id },
      before: null,
      after: auditState(created),
    });
    return created;
  });
  return driverView(row);
}

export function driversService(deps: DriversDeps) {
  const { db, clock } = deps;
  const repo = driversRepository(db);
  const locations = driverLocationsRepository(db);
  const now = () => new Date(clock.now());

  async function mustFind(id: string): Promise<DriverRow> {
    const d = await repo.find(id);
    if (!d) throw new AppError('NOT_FOUND', `No driver ${id}`);
    return d;
  }

  return {
    /** `act`: ops' request, written to the audit log (`driver.create`) with the profile. */
    create: (input: NewDriver, act: AuditAct) => createDriver(deps, input, act),

    get: async (id: string) => driverView(await mustFind(id)),
    find: (id: string) => repo.find(id),
    /** A page of drivers in id order; `next_cursor` is null on the last page. */
    async list(p: {
      status?: DriverStatus | undefined;
      cursor?: string | undefined;
      limit: number;
    }) {
      const after = p.cursor === undefined ? undefined : DRIVERS_CURSOR.decode(p.cursor);
      const rows = await repo.list({ status: p.status, after, limit: p.limit });
      const last = rows.length === p.limit ? rows.at(-1) : undefined;
      return {
        items: rows.map(driverView),
        next_cursor: last ? DRIVERS_CURSOR.encode(last.id) : null,
      };
    },

    async setShift(by: Principal, status: 'available' | 'break' | 'offline') {
      const id = ownDriverId(by);
      const row = await repo.setStatus(id, SHIFT_SOURCES[status], status, now());
      if (!row) {
        const d = await mustFind(id);
        throw new AppError(
          'CONFLICT',
          `You are ${d.status}; finish the delivery before going ${status}`,
        );
      }
      return driverView(row);
    },

    /** Drivers among `ids` who are available for a job right now. */
    available: (ids: readonly string[]) => repo.available(ids),
    /** Dispatch claims the driver for a job, inside its transaction; false when not available. */
    claim: async (trx: Db, id: string) =>
      (await driversRepository(trx).setStatus(
        id,
        JOB_SOURCES.on_delivery,
        'on_delivery',
        now(),
      )) !== undefined,
    /** The job ended (delivered, failed, reassigned): the driver is available again. */
    finishJob: async (trx: Db, id: string, delivered: number) =>
      (await driversRepository(trx).finishJob(id, delivered, now())) !== undefined,
    recordOffer: (trx: Db, id: string, accepted: boolean) =>
      driversRepository(trx).recordOffer(id, accepted),
    rate: (trx: Db, id: string, stars: number) => driversRepository(trx).rate(id, stars),
    positionsSince: (since: Date) => locations.positionsSince(since),
    historySince: (since: Date, limit: number) => locations.historySince(since, limit),
  };
}

export type DriversService = ReturnType<typeof driversService>;

/** The driver profile of the signed-in driver. */
export function ownDriverId(by: Principal): string {
  if (by.role !== 'driver' || !by.driverId)
    throw new AppError('FORBIDDEN', 'This account has no driver profile');
  return by.driverId;
}
