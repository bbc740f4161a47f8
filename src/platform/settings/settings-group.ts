import type { Static, TSchema } from '@sinclair/typebox';
import type { PlatformContext } from '../context.ts';

/** A field of a value the schema cannot judge alone, and why (`check`). */
export interface SettingProblem {
  /** Dotted, inside the value: `role_tiers.customer`. */
  path: string;
  message: string;
}

/**
 * A group of settings ops may change while lastmile runs, declared by the module that reads it
 * (`ModuleDefinition.settings`). Its value is one JSON object, validated by `schema` (with
 * ranges) and then by `check`; until ops change it (and after a reset) the value is
 * `defaults(ctx)`, which comes from the configuration. The platform stores it (`ops_settings`),
 * serves `GET`/`PUT /v1/ops/settings/<id>` (writes for ops admins, audited) and hands every
 * process the value in force (`settingsFor(ctx).value(group)`, changed within about 2 s).
 */
export interface SettingsGroup<T = unknown> {
  /** Lower-case words with hyphens, the last segment of its routes: `dispatch-weights`. */
  id: string;
  /** The module that reads it. */
  module: string;
  summary: string;
  /** What it changes and when a change is felt. */
  description: string;
  /**
   * The value's schema, a named component (`component()` of platform/http/contract.ts): the
   * document states it once and the group's routes refer to it.
   */
  schema: TSchema;
  defaults(ctx: PlatformContext): T;
  check?(value: T): SettingProblem | null;
}

/** A group whose value's type is its schema's. */
export function settingsGroup<S extends TSchema>(
  group: Omit<SettingsGroup<Static<S>>, 'schema'> & { schema: S },
): SettingsGroup<Static<S>> {
  if (!/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(group.id) || group.id.length > 48)
    throw new Error(`settings group id "${group.id}": lower-case words joined by hyphens`);
  if (typeof group.schema.$id !== 'string')
    throw new Error(`settings group "${group.id}": its schema is a named component (an $id)`);
  return group;
}
