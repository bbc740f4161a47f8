import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { LastmileProblem } from '@lastmile/client';
import { dateTime } from '@web/format.ts';
import { ErrorNote, Loading } from '@web/ui.tsx';
import { m, queryClient } from '../app.ts';
import { ReasonForm } from '../reason-form.tsx';

/** A settings group as `GET /v1/ops/settings/<id>` answers it. */
export interface GroupView<V> {
  value: V;
  default: V;
  version: number;
  overridden: boolean;
  updated_at: string | null;
}

/** One number of a group: its key in the value, its label and its bounds (the API's). */
export interface NumberField<K extends string> {
  key: K;
  label: string;
  min: number;
  max: number;
  integer?: boolean;
}

type Values<K extends string> = Record<K, number>;

/** Reads and writes one group (typed calls of the SDK, one pair per group). */
export interface GroupApi<V> {
  id: string;
  read: () => Promise<GroupView<V>>;
  write: (value: V, version: number, reason: string, key: string) => Promise<GroupView<V>>;
}

const parsed = <K extends string>(f: NumberField<K>, text: string): number | null => {
  const n = Number(text);
  if (text.trim() === '' || !Number.isFinite(n) || n < f.min || n > f.max) return null;
  return f.integer && !Number.isInteger(n) ? null : n;
};

/** The numbers of one version of the group, and the reason form that saves them against it. */
function NumbersForm<K extends string>(p: {
  api: GroupApi<Values<K>>;
  name: string;
  fields: readonly NumberField<K>[];
  view: GroupView<Values<K>>;
  canSave: boolean;
  onSaved: (v: GroupView<Values<K>>) => void;
  onConflict: () => void;
}) {
  const [draft, setDraft] = useState(() =>
    Object.fromEntries(p.fields.map((f) => [f.key, String(p.view.value[f.key])])),
  );
  const values = p.fields.map((f) => [f.key, parsed(f, draft[f.key] ?? '')] as const);
  const valid = values.every(([, v]) => v !== null);
  const save = async (reason: string, key: string) => {
    try {
      return await p.api.write(
        Object.fromEntries(values) as Values<K>,
        p.view.version,
        reason,
        key,
      );
    } catch (err) {
      if (err instanceof LastmileProblem && err.code === 'CONFLICT') p.onConflict();
      throw err;
    }
  };
  return (
    <div className="stack" data-testid={`group-${p.api.id}`} data-version={p.view.version}>
      <div className="number-fields">
        {p.fields.map((f) => (
          <div key={f.key}>
            <label htmlFor={`${p.api.id}-${f.key}`}>{f.label}</label>
            <input
              id={`${p.api.id}-${f.key}`}
              type="number"
              inputMode="decimal"
              min={f.min}
              max={f.max}
              step={f.integer ? 1 : 'any'}
              value={draft[f.key] ?? ''}
              aria-invalid={parsed(f, draft[f.key] ?? '') === null}
              readOnly={!p.canSave}
              onChange={(e) => setDraft({ ...draft, [f.key]: e.target.value })}
            />
            <span className="muted">{m.settings.defaultIs(String(p.view.default[f.key]))}</span>
          </div>
        ))}
      </div>
      <ReasonForm
        label={m.settings.saveReason(p.name)}
        action={m.settings.save}
        act={save}
        disabled={!p.canSave || !valid}
        onDone={p.onSaved}
      />
    </div>
  );
}

/**
 * A settings group of numbers: the value in force (who changed it, or that it is as configured),
 * a field per number with its default, and a save with a reason. A save names the version it
 * read; when someone saved meanwhile the group is read again and the form starts from it.
 */
export function NumberGroup<K extends string>(p: {
  api: GroupApi<Values<K>>;
  name: string;
  intro: string;
  fields: readonly NumberField<K>[];
  canSave: boolean;
}) {
  const queryKey = ['ops-settings', p.api.id];
  const group = useQuery({ queryKey, queryFn: p.api.read });
  const [note, setNote] = useState<string | null>(null);
  const reread = () => void queryClient.invalidateQueries({ queryKey });
  const v = group.data;
  return (
    <div className="stack">
      <p className="muted">{p.intro}</p>
      {group.isPending && <Loading text={m.loading} />}
      <ErrorNote error={group.error} words={m.problems} />
      {v && (
        <p className="muted" data-testid="group-state" data-overridden={v.overridden}>
          {v.overridden && v.updated_at
            ? m.settings.changedBy(dateTime(v.updated_at, m.locale))
            : m.settings.asConfigured}
        </p>
      )}
      {note && (
        <p role="status" data-testid="group-note">
          {note}
        </p>
      )}
      {v && (
        <NumbersForm
          key={v.version}
          api={p.api}
          name={p.name}
          fields={p.fields}
          view={v}
          canSave={p.canSave}
          onSaved={(saved) => {
            setNote(m.settings.saved(saved.version));
            queryClient.setQueryData(queryKey, saved);
          }}
          onConflict={() => {
            setNote(m.settings.conflict);
            reread();
          }}
        />
      )}
    </div>
  );
}
