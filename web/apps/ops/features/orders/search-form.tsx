import { type FormEvent, useState } from 'react';
import { m } from '../../app.ts';
import { TimeField } from '../../fields.tsx';
import { isoOf, localInput, ORDER_STATUSES, type OrderSearch, type OrderStatus } from './search.ts';

const UUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

type TextKey = 'id' | 'customer' | 'store_id' | 'driver_id';

/** One text key of the search: its label, and what the browser checks before sending. */
const TEXT_FIELDS: ReadonlyArray<{ key: TextKey; label: () => string; pattern?: string }> = [
  { key: 'id', label: () => m.orders.id, pattern: '[0-9a-fA-F][0-9a-fA-F\\-]{0,35}' },
  { key: 'customer', label: () => m.orders.customer },
  { key: 'store_id', label: () => m.orders.store, pattern: UUID },
  { key: 'driver_id', label: () => m.orders.driver, pattern: UUID },
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
  const submit = (e: FormEvent) => {
    e.preventDefault();
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
    <form className="card search-form" onSubmit={submit} role="search" aria-label={m.orders.title}>
      {TEXT_FIELDS.map((f) => (
        <div key={f.key}>
          <label htmlFor={`search-${f.key}`}>{f.label()}</label>
          <input
            id={`search-${f.key}`}
            value={text[f.key]}
            pattern={f.pattern}
            maxLength={f.key === 'customer' ? 254 : 36}
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => setText({ ...text, [f.key]: e.target.value })}
          />
        </div>
      ))}
      <div>
        <label htmlFor="search-status">{m.orders.status}</label>
        <select
          id="search-status"
          value={status}
          onChange={(e) => setStatus(e.target.value as OrderStatus | '')}
        >
          <option value="">{m.orders.anyStatus}</option>
          {ORDER_STATUSES.map((s) => (
            <option key={s} value={s}>
              {m.orderStatus[s]}
            </option>
          ))}
        </select>
      </div>
      <TimeField id="search-from" label={m.orders.placedFrom} value={from} onChange={setFrom} />
      <TimeField id="search-to" label={m.orders.placedTo} value={to} onChange={setTo} />
      <p className="row">
        <button type="submit">{m.orders.search}</button>
        <button type="button" className="secondary" onClick={clear}>
          {m.orders.clear}
        </button>
      </p>
    </form>
  );
}
