import { type TSchema, Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { PlatformContext } from '../context.ts';
import { DateTime, Nullable } from '../contract/schemas.ts';
import { settingsFor } from '../settings/runtime-settings.ts';
import type { SettingsGroup } from '../settings/settings-group.ts';
import { AuditReason, auditActOf } from './audit-act.ts';
import { callerOf, meetsOpsLevel } from './auth-hook.ts';
import { component, ok, problems, ref } from './contract.ts';
import { Strict, typed } from './typed.ts';

const tags = ['ops'];
/** Who may change a group: the level of its `PUT`, and what each view's `can_change` asks. */
const CHANGE_LEVEL = 'admin';
const Version = Type.Integer({ minimum: 0, maximum: 2_147_483_647 });

const viewSchema = (value: TSchema, description: string) =>
  Strict(
    {
      id: Type.String(),
      module: Type.String({ description: 'The module that reads it' }),
      summary: Type.String(),
      value: value,
      default: value,
      overridden: Type.Boolean({ description: 'Ops set the value; false: the default holds' }),
      version: Type.Integer({
        minimum: 0,
        description: 'Send it with a change: a change made meanwhile makes yours a 409',
      }),
      updated_at: Nullable(DateTime),
      updated_by: Nullable(Type.String({ description: 'Account id' })),
      can_change: Type.Boolean({
        description: 'Whether you may change it (`PUT`): ops admins may, agents only read it',
      }),
    },
    description,
  );

export const SettingsList = component(
  'SettingsList',
  Strict(
    {
      items: Type.Array(
        viewSchema(
          Type.Unknown({ description: "The value, of the group's own shape" }),
          'A settings group: its value in force and its default',
        ),
      ),
    },
    'Every group ops may change, by module',
  ),
);

export const settingsSchemas = [SettingsList];

/** `rate-limits` → `RateLimitsSettings`: the name of a group's view in the document. */
const viewIdOf = (group: SettingsGroup) =>
  `${group.id.replace(/(^|-)([a-z0-9])/g, (_m, _dash, c: string) => c.toUpperCase())}Settings`;

/** A group's view (its value in force, its default, its version) as a named component. */
const viewOf = (group: SettingsGroup) =>
  component(viewIdOf(group), viewSchema(ref(group.schema), group.description));

/**
 * The named components of the groups' routes, so the document states each once: every group's
 * value (its schema is one: `settingsGroup()`) and its view.
 */
export const settingsGroupSchemas = (groups: readonly SettingsGroup[]): TSchema[] =>
  groups.flatMap((g) => [g.schema, viewOf(g)]);

/** A view as the caller sees it: with whether they may change the group. */
const forCaller =
  (req: FastifyRequest) =>
  <V extends object>(view: V): V & { can_change: boolean } => ({
    ...view,
    can_change: meetsOpsLevel(callerOf(req), CHANGE_LEVEL),
  });

/**
 * The settings ops change while lastmile runs: one list, and per group (each module's
 * `ModuleDefinition.settings`) a read and a write. Reading is for every ops account; writing for
 * ops admins (403 `OPS_ADMIN_REQUIRED` for an agent), audited with the reason.
 */
export async function settingsRoutes(
  scope: FastifyInstance,
  ctx: PlatformContext,
  groups: readonly SettingsGroup[],
): Promise<void> {
  const ids = groups.map((g) => g.id);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice) throw new Error(`settings group "${twice}" is declared twice`);
  const app = typed(scope);
  const settings = settingsFor(ctx);
  const sorted = [...groups].sort(
    (a, b) => a.module.localeCompare(b.module) || a.id.localeCompare(b.id),
  );
  app.get(
    '/v1/ops/settings',
    {
      config: { auth: ['ops'] },
      schema: {
        tags,
        summary: 'Every settings group ops may change, with its value and default',
        response: { 200: ok(ref(SettingsList), 'The groups, by module') },
      },
    },
    async (req) => ({
      items: (await Promise.all(sorted.map((g) => settings.view(g)))).map(forCaller(req)),
    }),
  );
  for (const group of sorted) groupRoutes(scope, ctx, group);
}

function groupRoutes(scope: FastifyInstance, ctx: PlatformContext, group: SettingsGroup): void {
  const app = typed(scope);
  const settings = settingsFor(ctx);
  const url = `/v1/ops/settings/${group.id}`;
  const View = ref(viewOf(group));
  app.get(
    url,
    {
      config: { auth: ['ops'] },
      schema: {
        tags,
        summary: `Settings: ${group.summary}`,
        description: group.description,
        response: { 200: ok(View, 'The value in force, its default and its version') },
      },
    },
    async (req) => forCaller(req)(await settings.view(group)),
  );
  app.put(
    url,
    {
      config: { auth: ['ops'], opsLevel: CHANGE_LEVEL },
      schema: {
        tags,
        summary: `Change the settings: ${group.summary}`,
        description: `${group.description}\n\nIn force in every process within about 2 s. \`version\` is the one you read: if the group changed since, 409 \`CONFLICT\` (read it again). \`value: null\` goes back to the default. Written to the audit log (\`setting.update\`, \`setting.reset\`) with the reason and the value before and after.`,
        body: Strict({
          value: Type.Union([ref(group.schema), Type.Null()]),
          version: Version,
          reason: AuditReason,
        }),
        response: { 200: ok(View, 'The group after the change'), ...problems('CONFLICT') },
      },
    },
    async (req) => {
      const { value, version, reason } = req.body as {
        value: unknown;
        version: number;
        reason: string;
      };
      return forCaller(req)(
        await settings.write(group, { value, version }, auditActOf(req, reason)),
      );
    },
  );
}
