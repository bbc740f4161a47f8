import type { FormEvent, ReactNode } from 'react';

// The console's filter forms (order search, late and stuck, audit log, dead letters): a search
// form of labelled fields, its button and, where it has one, a button that clears it.

/** A filter form; `onFilter` runs on submit, `clear` adds a button that clears the filters. */
export function FilterForm(p: {
  label?: string;
  submit: string;
  onFilter: () => void;
  clear?: { label: string; onClear: () => void };
  children: ReactNode;
}) {
  const submit = (e: FormEvent) => {
    e.preventDefault();
    p.onFilter();
  };
  return (
    <form className="card search-form" onSubmit={submit} role="search" aria-label={p.label}>
      {p.children}
      <p className="row">
        <button type="submit">{p.submit}</button>
        {p.clear && (
          <button type="button" className="secondary" onClick={p.clear.onClear}>
            {p.clear.label}
          </button>
        )}
      </p>
    </form>
  );
}

/** A labelled text input for an id, an email or a name: no spelling checks, no autofill. */
export function TextField(p: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
  maxLength?: number;
  pattern?: string | undefined;
}) {
  return (
    <div>
      <label htmlFor={p.id}>{p.label}</label>
      <input
        id={p.id}
        value={p.value}
        maxLength={p.maxLength}
        pattern={p.pattern}
        spellCheck={false}
        autoComplete="off"
        onChange={(e) => p.onChange(e.target.value)}
      />
    </div>
  );
}

/** What a select offers: fixed `values` shown as their `words`, or `options` made as they come. */
type Choices<V extends string> =
  | { values: readonly V[]; words: { [v in V]: string } }
  | { options: ReadonlyArray<{ value: V; text: string }> };

/** A labelled select of its choices, after `any` (value '') if given. */
export function SelectField<const V extends string>(
  p: {
    id: string;
    label: string;
    value: V | '';
    onChange: (v: V | '') => void;
    any?: string;
  } & Choices<V>,
) {
  const options =
    'options' in p ? p.options : p.values.map((v) => ({ value: v, text: p.words[v] }));
  return (
    <div>
      <label htmlFor={p.id}>{p.label}</label>
      <select id={p.id} value={p.value} onChange={(e) => p.onChange(e.target.value as V | '')}>
        {p.any !== undefined && <option value="">{p.any}</option>}
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.text}
          </option>
        ))}
      </select>
    </div>
  );
}

/** A labelled `datetime-local` input (the browser's time zone; see search.ts for the conversion). */
export function TimeField(p: {
  id: string;
  label: string;
  value: string;
  onChange: (v: string) => void;
}) {
  return (
    <div>
      <label htmlFor={p.id}>{p.label}</label>
      <input
        id={p.id}
        type="datetime-local"
        value={p.value}
        onChange={(e) => p.onChange(e.target.value)}
      />
    </div>
  );
}

/** What the browser checks of a field holding a UUID before the form is sent. */
export const UUID_PATTERN =
  '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';
