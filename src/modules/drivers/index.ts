import { auditFor } from '../../platform/audit/audit-log.ts';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type PlatformContext, perPlatform } from '../../platform/context.ts';
import type { GeoIndex } from '../../platform/geo/port.ts';
import type { ModuleDefinition } from '../../platform/module.ts';
import { identityFor } from '../identity/index.ts';
import { driverTopic } from './driver-channel.ts';
import { type DriverPush, driverChannel } from './driver-channel.messages.ts';
import {
  driverNames,
  type DriverStatus,
  driversRepository,
  onlineDrivers,
  type Vehicle,
} from './drivers.repository.ts';
import { driversRoutes } from './drivers.routes.ts';
import { driversSchemas } from './drivers.schemas.ts';
import { DEFAULT_CAPACITY, type DriversService, driversService } from './drivers.service.ts';
import { createLocationHistory } from './location-history.ts';
import { createLocationIngest } from './location-ingest.ts';
import { startLocationRetention } from './location-retention.ts';

export { type DriverRow, type DriverStatus, VEHICLES, type Vehicle } from './drivers.repository.ts';
export {
  acceptanceRate,
  type DriversService,
  type DriverView,
  driverView,
  ownDriverId,
} from './drivers.service.ts';
export { driverTopic } from './driver-channel.ts';
export { driversPersonalData, ERASED_DRIVER_NAME } from './drivers-privacy.repository.ts';
export type { DriverPush } from './driver-channel.messages.ts';
export {
  OFFER_STATUSES,
  type OfferPayView,
  OfferShape,
  type OfferStatus,
  type OfferView,
  offerProperties,
  PROOF_POLICIES,
  type ProofPolicy,
  PROOF_TEXT,
} from './offer.schema.ts';

/** Live topic of a driver's newest accepted position (`{lat, lng, at}`), for tracking. */
export const positionTopic = (driverId: string) => `positions.${driverId}`;

/** The geo index of driver positions (Redis GEO with several processes, in-process otherwise). */
export const DRIVER_POSITIONS = 'drivers';

export interface DriversModule {
  service: DriversService;
  positions: GeoIndex;
  /**
   * Pushes a message to the driver's app if it is connected to any API process (at most once).
   * A push about a trip names it with the trip's version after the change, committed before this
   * call: the app never gets it after a push of a newer version of that trip.
   */
  notify(driverId: string, message: DriverPush, trip?: { id: string; version: number }): void;
  /** The names of these drivers, by id (ops' lists). */
  names(ids: readonly string[]): Promise<Map<string, string>>;
  /** Drivers on shift (not offline), at most `limit`: name, vehicle and status (ops' live map). */
  online(
    limit: number,
  ): Promise<Array<{ id: string; name: string; vehicle: Vehicle; status: DriverStatus }>>;
}

export const driversFor = perPlatform((ctx): DriversModule => ({
  service: driversService({
    db: ctx.db,
    clock: ctx.clock,
    identity: identityFor(ctx),
    audit: auditFor(ctx),
  }),
  positions: ctx.geo(DRIVER_POSITIONS),
  notify: (driverId, message, trip) =>
    ctx.bus.announce(driverTopic(driverId), { message, ...(trip ? { trip } : {}) }),
  names: async (ids) => new Map((await driverNames(ctx.db, ids)).map((d) => [d.id, d.name])),
  online: (limit) => onlineDrivers(ctx.db, limit),
}));

/** A profile with a fixed id for seeding; an existing one is kept. */
export async function seedDriverProfile(
  ctx: Pick<PlatformContext, 'db'>,
  p: { id: string; name: string; vehicle: Vehicle },
): Promise<void> {
  await driversRepository(ctx.db).ensure({
    id: p.id,
    name: p.name,
    phone: null,
    vehicle: p.vehicle,
    capacity_items: DEFAULT_CAPACITY[p.vehicle],
  });
}

/** Driver profiles, shifts, location ingest (live index + throttled history) and the driver app channel. */
export const driversModule: ModuleDefinition = {
  name: 'drivers',
  sockets: [driverChannel],
  dependsOn: ['identity'],
  migrationsDir: path.join(path.dirname(fileURLToPath(import.meta.url)), 'migrations'),
  schemas: driversSchemas,
  routes: async (app, ctx) => {
    const history = createLocationHistory(ctx.db, ctx.logger, {
      clock: ctx.clock,
      retentionDays: ctx.config.retention.locationDays,
    });
    const ingest = createLocationIngest({
      geo: driversFor(ctx).positions,
      history,
      clock: ctx.clock,
      maxPending: ctx.config.drivers.ingestMaxPending,
      historyMs: ctx.config.drivers.historyS * 1000,
      onPosition: (driverId, point) => ctx.bus.announce(positionTopic(driverId), point),
    });
    app.addHook('onClose', async () => history.stop());
    await driversRoutes(app, { drivers: driversFor(ctx).service, ingest, bus: ctx.bus });
  },
  // The history's day partitions are made ahead and dropped past retention. The live index holds
  // nothing that cannot be rebuilt: after a Redis loss, drivers' last stored positions put them
  // back until their next upload.
  startWorker: async (ctx) => {
    const { positions, service } = driversFor(ctx);
    if ((await positions.size()) === 0) {
      const since = new Date(ctx.clock.now() - ctx.config.drivers.staleS * 1000);
      const rows = await service.positionsSince(since);
      const points = rows.flatMap((r) =>
        r.last_lat !== null && r.last_lng !== null && r.last_fix_at
          ? [{ id: r.id, lat: r.last_lat, lng: r.last_lng, at: r.last_fix_at.getTime() }]
          : [],
      );
      if (points.length > 0) await positions.upsert(points);
    }
    return startLocationRetention({
      db: ctx.db,
      clock: ctx.clock,
      logger: ctx.logger,
      retentionDays: ctx.config.retention.locationDays,
    });
  },
};
