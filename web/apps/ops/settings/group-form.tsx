import { type ReactNode, useState } from 'react';
import { m } from '../app.ts';
import { type GroupApi, GroupShell, type GroupView } from './group-shell.tsx';

/** One number of a group: its key in the value and its label (its bounds are the API's). */
export interface NumberField<K extends string> {
  key: K;
  label: string;
}

type Values<K extends string> = Record<K, number>;

/** The number typed in, or null when it is none (whether it is in range is the API's to say). */
const parsed = (text: string): number | null => {
  const n = Number(text);
  return text.trim() === '' || !Number.isFinite(n) ? null : n;
};

/** The numbers of one version of the group, and the reason form that saves them against it. */
function NumbersForm<K extends string>(p: {
  id: string;
  fields: readonly NumberField<K>[];
  view: GroupView<Values<K>>;
  saveForm: (value: Values<K> | null) => ReactNode;
}) {
  const [draft, setDraft] = useState(() =>
    Object.fromEntries(p.fields.map((f) => [f.key, String(p.view.value[f.key])])),
  );
  const values = p.fields.map((f) => [f.key, parsed(draft[f.key] ?? '')] as const);
  const valid = values.every(([, v]) => v !== null);
  return (
    <>
      <div className="number-fields">
        {p.fields.map((f) => (
          <div key={f.key}>
            <label htmlFor={`${p.id}-${f.key}`}>{f.label}</label>
            <input
              id={`${p.id}-${f.key}`}
              type="number"
              inputMode="decimal"
              step="any"
              value={draft[f.key] ?? ''}
              aria-invalid={parsed(draft[f.key] ?? '') === null}
              readOnly={!p.view.can_change}
              onChange={(e) => setDraft({ ...draft, [f.key]: e.target.value })}
            />
            <span className="muted">{m.settings.defaultIs(String(p.view.default[f.key]))}</span>
          </div>
        ))}
      </div>
      {p.saveForm(valid ? (Object.fromEntries(values) as Values<K>) : null)}
    </>
  );
}

/** A settings group of numbers: a field per number with its default, in the group's frame. */
export function NumberGroup<K extends string>(p: {
  api: GroupApi<Values<K>>;
  name: string;
  intro: string;
  fields: readonly NumberField<K>[];
}) {
  return (
    <GroupShell
      api={p.api}
      name={p.name}
      intro={p.intro}
      labelOf={(path) => p.fields.find((f) => f.key === path)?.label}
      form={(view, saveForm) => (
        <NumbersForm id={p.api.id} fields={p.fields} view={view} saveForm={saveForm} />
      )}
    />
  );
}
