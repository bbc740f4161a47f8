import { uuidv7 } from 'uuidv7';
import type { AuditAct, AuditLog } from '../../platform/audit/audit-log.ts';
import type { Principal } from '../../platform/auth/principal.ts';
import { declaredEvent } from '../../platform/bus/declared-event.ts';
import { writeOutbox } from '../../platform/bus/outbox.ts';
import type { Db } from '../../platform/db/pool.ts';
import { AppError } from '../../platform/errors.ts';
import { CatalogEventDefs, type StoreChangedPayload } from './catalog.events.ts';
import { coverageCells, type LatLng, zoneCovers } from './coverage.ts';
import { isValidTimeZone, type OpeningHours, validateOpeningHours } from './opening-hours.ts';
import { storeView, type StoreView, zoneOf } from './store-view.ts';
import type { StoreStatus } from './catalog-tables.ts';
import { type StoreFields, type StoreRow, storesRepository } from './stores.repository.ts';

export interface StoreInput {
  name: string;
  address?: string;
  lat: number;
  lng: number;
  zone: { radius_m: number; polygon?: LatLng[] | null };
  timezone?: string;
  opening_hours: OpeningHours;
  avg_prep_s?: number;
}

function validate(input: Partial<StoreInput>): void {
  const problems: string[] = [];
  if (input.opening_hours !== undefined)
    problems.push(...validateOpeningHours(input.opening_hours));
  if (input.timezone !== undefined && !isValidTimeZone(input.timezone))
    problems.push(`timezone: unknown time zone "${input.timezone}"`);
  const poly = input.zone?.polygon;
  if (
    poly &&
    input.lat !== undefined &&
    input.lng !== undefined &&
    !zoneCovers(
      { lat: input.lat, lng: input.lng, radiusM: 1e9, polygon: poly },
      input.lat,
      input.lng,
    )
  ) {
    problems.push('zone.polygon: the store itself must lie inside its delivery polygon');
  }
  if (problems.length > 0) {
    throw new AppError('VALIDATION_FAILED', problems[0] ?? 'invalid store', {
      details: { errors: problems.map((m) => ({ path: `body.${m.split(':')[0]}`, message: m })) },
    });
  }
}

const fields = (i: StoreInput): StoreFields => ({
  name: i.name,
  address: i.address ?? '',
  lat: i.lat,
  lng: i.lng,
  zone_radius_m: i.zone.radius_m,
  zone_polygon: i.zone.polygon ?? null,
  timezone: i.timezone ?? 'UTC',
  opening_hours: i.opening_hours,
  avg_prep_s: i.avg_prep_s ?? 600,
});

/** The columns a patch sets: only the fields it names. */
function patchFields(patch: Partial<StoreInput>): Partial<StoreFields> {
  const f: Partial<StoreFields> = {};
  if (patch.name !== undefined) f.name = patch.name;
  if (patch.address !== undefined) f.address = patch.address;
  if (patch.lat !== undefined) f.lat = patch.lat;
  if (patch.lng !== undefined) f.lng = patch.lng;
  if (patch.zone !== undefined) {
    f.zone_radius_m = patch.zone.radius_m;
    f.zone_polygon = patch.zone.polygon ?? null;
  }
  if (patch.timezone !== undefined) f.timezone = patch.timezone;
  if (patch.opening_hours !== undefined) f.opening_hours = patch.opening_hours;
  if (patch.avg_prep_s !== undefined) f.avg_prep_s = patch.avg_prep_s;
  return f;
}

/** `catalog.store_changed`, written in the transaction of the change. */
async function changed(
  trx: Db,
  row: StoreRow,
  change: StoreChangedPayload['change'],
): Promise<void> {
  const payload: StoreChangedPayload = {
    store_id: row.id,
    version: row.version,
    status: row.status,
    change,
  };
  await writeOutbox(trx, [
    declaredEvent(CatalogEventDefs.STORE_CHANGED, payload, { aggregateId: row.id }),
  ]);
}

/** The store's status moves: each action sets its status, whatever the status was. */
export const STORE_ACTIONS = {
  pause: 'paused',
  resume: 'open',
  close: 'closed',
} as const satisfies Record<string, StoreStatus>;

/** What the audit log keeps of a store: its settings and status, nothing of a person. */
const auditState = (s: StoreRow) => ({
  name: s.name,
  status: s.status,
  version: s.version,
  lat: s.lat,
  lng: s.lng,
  zone_radius_m: s.zone_radius_m,
  timezone: s.timezone,
  avg_prep_s: s.avg_prep_s,
});

/** The audit action of each status move. */
const STATUS_ACTIONS: Record<StoreStatus, string> = {
  paused: 'store.pause',
  open: 'store.resume',
  closed: 'store.close',
};

/** Writes ops' store change to the audit log in `trx` (the change's transaction). */
const auditStore = (
  trx: Db,
  log: { audit: AuditLog; act: AuditAct; action: string },
  before: StoreRow | null,
  after: StoreRow,
) =>
  log.audit.record(trx, log.act, {
    action: log.action,
    target: { type: 'store', id: after.id },
    before: before && auditState(before),
    after: auditState(after),
  });

const canManage = (p: Principal, storeId: string) =>
  p.role === 'ops' || (p.role === 'store' && p.storeId === storeId);

/** Applies a patch to the store read under the transaction; undefined when it is gone or moved on. */
async function patchStore(
  trx: Db,
  id: string,
  patch: Partial<StoreInput>,
  expectedVersion?: number,
): Promise<{ before: StoreRow; after: StoreRow } | undefined> {
  const tx = storesRepository(trx);
  const current = await tx.find(id);
  if (!current) return undefined;
  const merged = {
    lat: patch.lat ?? current.lat,
    lng: patch.lng ?? current.lng,
    zone: patch.zone ?? { radius_m: current.zone_radius_m, polygon: current.zone_polygon },
  };
  validate({ ...patch, ...merged });
  const row = await tx.update(id, patchFields(patch), expectedVersion);
  if (!row) return undefined;
  const zoneMoved = patch.lat !== undefined || patch.lng !== undefined || patch.zone !== undefined;
  if (zoneMoved) await tx.replaceCoverage(id, coverageCells(zoneOf(row)));
  await changed(trx, row, zoneMoved ? 'zone' : 'updated');
  return { before: current, after: row };
}

/**
 * Creating and changing stores: each change commits with its coverage cells and its
 * `catalog.store_changed` event; `edited` runs after the commit (the caches forget what changed).
 */
export function storeEditsService(deps: {
  db: Db;
  audit: AuditLog;
  edited: (id?: string) => Promise<void>;
}) {
  const { db, audit, edited } = deps;
  const repo = storesRepository(db);

  /** Runs `work` in a transaction; with `act` (ops), its change goes to the audit log in it. */
  async function mutate(
    by: Principal,
    id: string,
    action: string,
    act: AuditAct | undefined,
    work: (trx: Db) => Promise<{ before: StoreRow; after: StoreRow } | undefined>,
  ): Promise<StoreView> {
    if (!canManage(by, id))
      throw new AppError('FORBIDDEN', "Only ops or this store's staff can change it");
    const row = await db.transaction().execute(async (trx) => {
      const done = await work(trx);
      if (done && act) await auditStore(trx, { audit, act, action }, done.before, done.after);
      return done?.after;
    });
    if (!row) {
      const exists = await repo.find(id);
      if (!exists) throw new AppError('NOT_FOUND', `No store ${id}`);
      throw new AppError(
        'CONFLICT',
        `Store ${id} changed meanwhile (version ${exists.version}); reload and retry`,
      );
    }
    await edited(id);
    return storeView(row);
  }

  return {
    /** `act`: ops' request, for the audit log (`store.create`). */
    async create(input: StoreInput, act?: AuditAct): Promise<StoreView> {
      validate(input);
      const row = await db.transaction().execute(async (trx) => {
        const tx = storesRepository(trx);
        const created = await tx.insert(uuidv7(), fields(input));
        await tx.replaceCoverage(created.id, coverageCells(zoneOf(created)));
        await changed(trx, created, 'created');
        if (act) await auditStore(trx, { audit, act, action: 'store.create' }, null, created);
        return created;
      });
      await edited();
      return storeView(row);
    },

    update(
      by: Principal,
      id: string,
      patch: Partial<StoreInput>,
      expectedVersion?: number,
      act?: AuditAct,
    ): Promise<StoreView> {
      return mutate(by, id, 'store.update', act, (trx) =>
        patchStore(trx, id, patch, expectedVersion),
      );
    },

    setStatus(by: Principal, id: string, status: StoreStatus, act?: AuditAct): Promise<StoreView> {
      return mutate(by, id, STATUS_ACTIONS[status], act, async (trx) => {
        const tx = storesRepository(trx);
        const before = await tx.find(id);
        const row = before && (await tx.update(id, { status }));
        if (!before || !row) return undefined;
        await changed(trx, row, 'status');
        return { before, after: row };
      });
    },
  };
}
