import { type ReactNode, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { LastmileProblem, type paths, unwrap } from '@lastmile/client';
import { dateTime } from '@web/format.ts';
import { ErrorNote, Loading } from '@web/ui.tsx';
import { api, m, queryClient } from '../app.ts';
import { ReasonForm } from '../reason-form.tsx';

// A settings group on the Settings screen: `GET`/`PUT /v1/ops/settings/<id>` and the frame every
// group's section shares around the form of its value.

/** A settings group as `GET /v1/ops/settings/<id>` answers it. */
export interface GroupView<V> {
  value: V;
  default: V;
  version: number;
  overridden: boolean;
  updated_at: string | null;
  /** Whether the signed-in account may change it (the API's answer). */
  can_change: boolean;
}

/** Reads and writes one group. */
export interface GroupApi<V> {
  id: string;
  read: () => Promise<GroupView<V>>;
  write: (value: V, version: number, reason: string, key: string) => Promise<GroupView<V>>;
}

type GroupPath = Extract<keyof paths, `/v1/ops/settings/${string}`>;
/** The id of a settings group: the last segment of its routes. */
export type GroupId = GroupPath extends `/v1/ops/settings/${infer Id}` ? Id : never;
type ViewOf<Id extends GroupId> = paths[`/v1/ops/settings/${Id}`] extends {
  get: { responses: { 200: { content: { 'application/json': infer A } } } };
}
  ? A
  : never;
/** The value of a group, as the SDK types it. */
export type ValueOf<Id extends GroupId> = ViewOf<Id> extends { value: infer V } ? V : never;

/** The calls of the group `id`: `GET` and `PUT /v1/ops/settings/<id>`. */
export function settingsApi<Id extends GroupId>(id: Id): GroupApi<ValueOf<Id>> {
  // Every group's routes have the same shape around its own value, so one group's typed calls
  // stand for all of them; the value's own type is the group's (ValueOf).
  const path = `/v1/ops/settings/${id}` as '/v1/ops/settings/cart-holds';
  type Value = ValueOf<'cart-holds'>;
  const read = (): Promise<GroupView<unknown>> => unwrap(api.GET(path));
  const write = (value: unknown, version: number, reason: string, key: string) =>
    unwrap(
      api.PUT(path, {
        params: { header: { 'idempotency-key': key } },
        body: { value: value as Value, version, reason },
      }),
    ) as Promise<GroupView<unknown>>;
  return { id, read, write } as GroupApi<ValueOf<Id>>;
}

/** Whether ops changed the value in force (and when), or it is as configured. */
function InForce({ view }: { view: GroupView<unknown> }) {
  return (
    <p className="muted" data-testid="group-state" data-overridden={view.overridden}>
      {view.overridden && view.updated_at
        ? m.settings.changedBy(dateTime(view.updated_at, m.locale))
        : m.settings.asConfigured}
    </p>
  );
}

/**
 * What the API's 400 says of a value, the field named by its label where the form has one (the
 * API judges the values: their ranges are its own).
 */
function refusal<V>(
  err: unknown,
  value: V,
  labelOf?: (path: string, value: V) => string | undefined,
): string | null {
  const first = err instanceof LastmileProblem ? err.errors[0] : undefined;
  if (!first) return null;
  const path = first.path.replace(/^body\.value\.?/, '');
  return m.settings.refused(labelOf?.(path, value) ?? (path || first.path), first.message);
}

/**
 * A settings group's section: what it is, the value in force (who changed it, or that it is as
 * configured), then the form of the version read (`form`: its fields, read-only unless the view
 * says the account may change it, then the reason form `saveForm` makes for the value typed in,
 * null while a field is invalid). A save names the version it read; when someone saved meanwhile
 * the group is read again and the form starts from it.
 */
export function GroupShell<V>(p: {
  api: GroupApi<V>;
  /** The section's title, which the reason's label names. */
  name: string;
  intro: string;
  /** What else the section says of the group, under the intro. */
  aside?: ReactNode;
  /** After a save (something else that shows the group's effect reads again). */
  onSaved?: () => void;
  /** The label of the field at a path of the value (`travel`, `tiers.free.limit`), if it has one. */
  labelOf?: (path: string, value: V) => string | undefined;
  form: (view: GroupView<V>, saveForm: (value: V | null) => ReactNode) => ReactNode;
}) {
  const queryKey = ['ops-settings', p.api.id];
  const group = useQuery({ queryKey, queryFn: p.api.read });
  const [note, setNote] = useState<string | null>(null);
  const [refused, setRefused] = useState<string | null>(null);
  const v = group.data;
  const save = async (value: V, version: number, reason: string, key: string) => {
    setRefused(null);
    try {
      return await p.api.write(value, version, reason, key);
    } catch (err) {
      if (err instanceof LastmileProblem && err.code === 'CONFLICT') {
        setNote(m.settings.conflict);
        void queryClient.invalidateQueries({ queryKey });
      }
      setRefused(refusal(err, value, p.labelOf));
      throw err;
    }
  };
  const saved = (view: GroupView<V>) => {
    setNote(m.settings.saved(view.version));
    queryClient.setQueryData(queryKey, view);
    p.onSaved?.();
  };
  const saveForm = (view: GroupView<V>) => (value: V | null) => (
    <ReasonForm
      label={m.settings.saveReason(p.name)}
      action={m.settings.save}
      act={(reason, key) => save(value as V, view.version, reason, key)}
      disabled={!view.can_change || value === null}
      onDone={saved}
    />
  );
  return (
    <div className="stack">
      {v && !v.can_change && (
        <p role="note" className="card read-only" data-testid="read-only">
          {m.settings.readOnly}
        </p>
      )}
      <p className="muted">{p.intro}</p>
      {p.aside}
      {group.isPending && <Loading text={m.loading} />}
      <ErrorNote error={group.error} words={m.problems} />
      {v && <InForce view={v} />}
      {note && (
        <p role="status" data-testid="group-note">
          {note}
        </p>
      )}
      {v && (
        <div
          key={v.version}
          className="stack"
          data-testid={`group-${p.api.id}`}
          data-version={v.version}
        >
          {p.form(v, saveForm(v))}
        </div>
      )}
      {refused && (
        <p role="alert" className="alert" data-testid="refused">
          {refused}
        </p>
      )}
    </div>
  );
}
