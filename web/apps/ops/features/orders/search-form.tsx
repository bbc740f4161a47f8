import { useState } from 'react';
import { m } from '../../app.ts';
import { FilterForm, SelectField, TextField, TimeField, UUID_PATTERN } from '../../fields.tsx';
import { isoOf, localInput, ORDER_STATUSES, type OrderSearch, type OrderStatus } from './search.ts';

type TextKey = 'id' | 'customer' | 'store_id' | 'driver_id';

/** One text key of the search: its label, and what the browser checks before sending. */
const TEXT_FIELDS: ReadonlyArray<{ key: TextKey; label: () => string; pattern?: string }> = [
  { key: 'id', label: () => m.orders.id, pattern: '[0-9a-fA-F][0-9a-fA-F\\-]{0,35}' },
  { key: 'customer', label: () => m.orders.customer },
  { key: 'store_id', label: () => m.orders.store, pattern: UUID_PATTERN },
  { key: 'driver_id', label: () => m.orders.driver, pattern: UUID_PATTERN },
];

/** The search's keys as a form; `onSearch` gets what was filled in (empty keys left out). */
export function SearchForm(p: { value: OrderSearch; onSearch: (s: OrderSearch) => void }) {
  const [text, setText] = useState<Record<TextKey, string>>({
    id: p.value.id ?? '',
    customer: p.value.customer ?? '',
    store_id: p.value.store_id ?? '',
    driver_id: p.value.driver_id ?? '',
  });
  const [status, setStatus] = useState<OrderStatus | ''>(p.value.status ?? '');
  const [from, setFrom] = useState(localInput(p.value.placed_from));
  const [to, setTo] = useState(localInput(p.value.placed_to));
  const search = () => {
    const s: OrderSearch = {};
    for (const f of TEXT_FIELDS) if (text[f.key].trim()) s[f.key] = text[f.key].trim();
    if (status) s.status = status;
    const placedFrom = isoOf(from);
    const placedTo = isoOf(to);
    if (placedFrom) s.placed_from = placedFrom;
    if (placedTo) s.placed_to = placedTo;
    p.onSearch(s);
  };
  const clear = () => {
    setText({ id: '', customer: '', store_id: '', driver_id: '' });
    setStatus('');
    setFrom('');
    setTo('');
    p.onSearch({});
  };
  return (
    <FilterForm
      label={m.orders.title}
      submit={m.orders.search}
      onFilter={search}
      clear={{ label: m.orders.clear, onClear: clear }}
    >
      {TEXT_FIELDS.map((f) => (
        <TextField
          key={f.key}
          id={`search-${f.key}`}
          label={f.label()}
          value={text[f.key]}
          pattern={f.pattern}
          maxLength={f.key === 'customer' ? 254 : 36}
          onChange={(v) => setText({ ...text, [f.key]: v })}
        />
      ))}
      <SelectField
        id="search-status"
        label={m.orders.status}
        value={status}
        onChange={setStatus}
        values={ORDER_STATUSES}
        words={m.orderStatus}
        any={m.orders.anyStatus}
      />
      <TimeField id="search-from" label={m.orders.placedFrom} value={from} onChange={setFrom} />
      <TimeField id="search-to" label={m.orders.placedTo} value={to} onChange={setTo} />
    </FilterForm>
  );
}
