import { useState } from 'react';
import { m } from '../../app.ts';
import { FilterForm, TextField, TimeField, UUID_PATTERN } from '../../fields.tsx';
import { isoOf, localInput } from '../orders/search.ts';

// The audit log's filters as the console's URL holds them: the keys of `GET /v1/ops/audit`.

export interface AuditSearch {
  action?: string;
  actor_id?: string;
  target_type?: string;
  target_id?: string;
  from?: string;
  to?: string;
}

type TextKey = 'action' | 'actor_id' | 'target_type' | 'target_id';
const TEXT_KEYS: readonly TextKey[] = ['action', 'actor_id', 'target_type', 'target_id'];

/** The filters in a URL's query, keeping only known keys with non-empty text. */
export function auditSearchOf(q: Record<string, unknown>): AuditSearch {
  const out: AuditSearch = {};
  for (const key of [...TEXT_KEYS, 'from', 'to'] as const) {
    const v = q[key];
    if (typeof v === 'string' && v.trim() !== '') out[key] = v.trim();
  }
  return out;
}

const label = (key: TextKey): string =>
  ({
    action: m.audit.action,
    actor_id: m.audit.actor,
    target_type: m.audit.targetType,
    target_id: m.audit.targetId,
  })[key];

/** The filters as a form; `onFilter` gets what was filled in. */
export function AuditFilter(p: { value: AuditSearch; onFilter: (s: AuditSearch) => void }) {
  const [text, setText] = useState<Record<TextKey, string>>({
    action: p.value.action ?? '',
    actor_id: p.value.actor_id ?? '',
    target_type: p.value.target_type ?? '',
    target_id: p.value.target_id ?? '',
  });
  const [from, setFrom] = useState(localInput(p.value.from));
  const [to, setTo] = useState(localInput(p.value.to));
  const filter = () => {
    const s: AuditSearch = {};
    for (const key of TEXT_KEYS) if (text[key].trim()) s[key] = text[key].trim();
    const fromIso = isoOf(from);
    const toIso = isoOf(to);
    if (fromIso) s.from = fromIso;
    if (toIso) s.to = toIso;
    p.onFilter(s);
  };
  return (
    <FilterForm
      label={m.audit.title}
      submit={m.audit.filter}
      onFilter={filter}
      clear={{ label: m.audit.clear, onClear: () => p.onFilter({}) }}
    >
      {TEXT_KEYS.map((key) => (
        <TextField
          key={key}
          id={`audit-${key}`}
          label={label(key)}
          value={text[key]}
          maxLength={key === 'target_id' ? 200 : 100}
          pattern={key === 'actor_id' ? UUID_PATTERN : undefined}
          onChange={(v) => setText({ ...text, [key]: v })}
        />
      ))}
      <TimeField id="audit-from" label={m.audit.from} value={from} onChange={setFrom} />
      <TimeField id="audit-to" label={m.audit.to} value={to} onChange={setTo} />
    </FilterForm>
  );
}
