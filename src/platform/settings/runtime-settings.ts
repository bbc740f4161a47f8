import { Value } from '@sinclair/typebox/value';
import { type AuditAct, auditFor } from '../audit/audit-log.ts';
import type { Subscription } from '../bus/port.ts';
import { type PlatformContext, perPlatform } from '../context.ts';
import { AppError } from '../errors.ts';
import { type Periodic, runPeriodically } from '../periodic.ts';
import type { SettingProblem, SettingsGroup } from './settings-group.ts';
import { type SettingRow, settingsRepository } from './settings.repository.ts';

/** Every process reads the stored settings this often; a change also tells them at once. */
export const SETTINGS_REFRESH_MS = 2_000;
const CHANGED_TOPIC = 'platform.settings-changed';

/** A group as ops see it: the value in force, the default, and the version to write against. */
export interface SettingView<T> {
  id: string;
  module: string;
  summary: string;
  value: T;
  default: T;
  /** Ops set the value (false: the configured default holds). */
  overridden: boolean;
  /** 0 until the first change; a write names the version it read. */
  version: number;
  updated_at: string | null;
  updated_by: string | null;
}

interface Held {
  version: number;
  value: unknown;
  /** The group the value was last checked against, and whether it passed. */
  checked?: { group: SettingsGroup<unknown>; valid: boolean };
}

/** What is wrong with a value of the group, by its schema and then its own check; null: nothing. */
function problemOf<T>(group: SettingsGroup<T>, value: unknown): SettingProblem | null {
  if (!Value.Check(group.schema, value)) {
    const first = Value.Errors(group.schema, value).First();
    return {
      path: first?.path.replace(/^\//, '').replace(/\//g, '.') ?? '',
      message: first?.message ?? 'not a value of this group',
    };
  }
  return group.check?.(value as T) ?? null;
}

/** A value a write was given that the group refuses: 400, naming the field (in the request body). */
function refused(problem: SettingProblem): AppError {
  const path = ['body.value', problem.path].filter(Boolean).join('.');
  return new AppError('VALIDATION_FAILED', `${path}: ${problem.message}`, {
    details: { errors: [{ path, message: problem.message }] },
  });
}

/** A group as stored in `row` (none: never changed), with its default. */
function viewOf<T>(
  ctx: PlatformContext,
  group: SettingsGroup<T>,
  row?: SettingRow,
): SettingView<T> {
  const fallback = group.defaults(ctx);
  const set = row && row.value !== null && problemOf(group, row.value) === null;
  return {
    id: group.id,
    module: group.module,
    summary: group.summary,
    value: set ? (row.value as T) : fallback,
    default: fallback,
    overridden: Boolean(set),
    version: row?.version ?? 0,
    updated_at: row?.updated_at?.toISOString() ?? null,
    updated_by: row?.updated_by ?? null,
  };
}

/**
 * Sets the group's value in one transaction if it is still at `change.version` (else 409), with
 * its audit row; a repeat of the change that made the current version returns it unchanged.
 */
async function writeSetting<T>(
  ctx: PlatformContext,
  group: SettingsGroup<T>,
  change: { value: T | null; version: number },
  act: AuditAct,
): Promise<SettingRow> {
  return ctx.db.transaction().execute(async (trx) => {
    const repo = settingsRepository(trx);
    const current = await repo.lock(group.id);
    const repeat =
      act.idempotencyKey !== null &&
      current.updated_key === act.idempotencyKey &&
      current.updated_by === act.by.id;
    if (repeat) return current;
    if (current.version !== change.version)
      throw new AppError(
        'CONFLICT',
        `Setting ${group.id} is at version ${current.version}, not ${change.version}: someone changed it meanwhile; read it again`,
        { details: { current_version: current.version } },
      );
    const next = await repo.update(group.id, {
      value: change.value,
      version: current.version + 1,
      updated_at: new Date(ctx.clock.now()),
      updated_by: act.by.id,
      updated_key: act.idempotencyKey,
    });
    const state = (r: SettingRow) => {
      const v = viewOf(ctx, group, r);
      return { version: v.version, overridden: v.overridden, value: v.value };
    };
    await auditFor(ctx).record(trx, act, {
      action: change.value === null ? 'setting.reset' : 'setting.update',
      target: { type: 'setting', id: group.id },
      before: state(current),
      after: state(next),
    });
    return next;
  });
}

/**
 * The settings ops changed, as this process holds them: read at start (before any route or
 * worker), again every 2 s and whenever a process announces a change, so a change is in force
 * everywhere within about 2 s (at once where it was made). Reading a value is synchronous: hot
 * paths (the gateway, the dispatcher's scoring) read it per use. A stored value the group no
 * longer accepts (the code changed) is ignored: the default holds.
 */
export function runtimeSettings(ctx: PlatformContext) {
  const held = new Map<string, Held>();
  let loop: Periodic | null = null;
  let listening: Subscription | null = null;

  function take(rows: readonly SettingRow[]): void {
    for (const r of rows) {
      const before = held.get(r.id);
      if (before && before.version >= r.version) continue;
      held.set(r.id, { version: r.version, value: r.value });
    }
  }
  const load = async () => take(await settingsRepository(ctx.db).all());

  /** The stored value of a group when there is one the group accepts. */
  function override<T>(group: SettingsGroup<T>): { version: number; value: T } | null {
    const h = held.get(group.id);
    if (!h || h.value === null) return null;
    if (h.checked?.group !== group) {
      const valid = problemOf(group, h.value) === null;
      h.checked = { group: group as SettingsGroup<unknown>, valid };
      if (!valid)
        ctx.logger.warn({ setting: group.id }, 'stored setting no longer valid; the default holds');
    }
    return h.checked.valid ? { version: h.version, value: h.value as T } : null;
  }

  return {
    async start(): Promise<void> {
      await load();
      loop = runPeriodically('settings refresh', SETTINGS_REFRESH_MS, load, ctx.logger);
      listening = ctx.bus.listen(CHANGED_TOPIC, () => loop?.wake());
    },
    async stop(): Promise<void> {
      await listening?.close();
      await loop?.stop();
    },
    override,
    /** The value in force in this process: what ops set, else the group's default. */
    value<T>(group: SettingsGroup<T>): T {
      return override(group)?.value ?? group.defaults(ctx);
    },
    /** The group as stored now (read from Postgres, not this process's copy). */
    async view<T>(group: SettingsGroup<T>): Promise<SettingView<T>> {
      return viewOf(ctx, group, await settingsRepository(ctx.db).find(group.id));
    },
    /**
     * Sets the group's value (null: back to the default) if it is still at `version`, else 409
     * CONFLICT naming the current version. A value the group refuses (its schema, then its
     * check) is a 400 VALIDATION_FAILED naming the field (`body.value.<path>`); nothing is stored. Audited (`setting.update`, `setting.reset`) with the
     * value in force before and after. Asked again with the Idempotency-Key of the change that
     * made the current version, it answers that version and changes nothing.
     */
    async write<T>(
      group: SettingsGroup<T>,
      change: { value: T | null; version: number },
      act: AuditAct,
    ): Promise<SettingView<T>> {
      const problem = change.value === null ? null : problemOf(group, change.value);
      if (problem) throw refused(problem);
      const row = await writeSetting(ctx, group, change, act);
      take([row]);
      ctx.bus.announce(CHANGED_TOPIC, { id: group.id });
      return viewOf(ctx, group, row);
    },
  };
}

export type RuntimeSettings = ReturnType<typeof runtimeSettings>;

/** This platform's settings. */
export const settingsFor = perPlatform(runtimeSettings);
