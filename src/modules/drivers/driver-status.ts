import { DRIVER_STATUSES, type DriverStatus } from './drivers.repository.ts';

type ShiftStatus = 'available' | 'break' | 'offline';

/** Shift changes a driver makes, by the statuses they may come from (a repeat changes nothing). */
export const SHIFT_SOURCES: Readonly<Record<ShiftStatus, readonly DriverStatus[]>> = {
  available: ['offline', 'break', 'available'],
  break: ['available', 'break'],
  offline: ['available', 'break', 'offline'],
};

/** Dispatch's moves: a driver who takes a job is on_delivery until the job ends. */
export const JOB_SOURCES: Readonly<Record<'on_delivery' | 'available', readonly DriverStatus[]>> = {
  on_delivery: ['available'],
  available: ['on_delivery'],
};

type Sources = Partial<Record<DriverStatus, readonly DriverStatus[]>>;
const ALL_SOURCES: readonly Sources[] = [SHIFT_SOURCES, JOB_SOURCES];

/** Where a driver may go from each status, by a shift change or by dispatch. */
export const driverMoves = (from: DriverStatus): DriverStatus[] =>
  DRIVER_STATUSES.filter(
    (to) => to !== from && ALL_SOURCES.some((sources) => sources[to]?.includes(from)),
  );

/** The moves as API documentation: "offline → available; …". */
export const driverMovesText = (): string =>
  DRIVER_STATUSES.map((s) => `${s} → ${driverMoves(s).join(' | ')}`).join('; ');
