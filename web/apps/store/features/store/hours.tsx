import { useMutation } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { type Schemas, unwrap } from '@lastmile/client';
import { ErrorNote } from '@web/ui.tsx';
import { api, keys, m, queryClient } from '../../app.ts';

type Hours = Schemas['Store']['opening_hours'];
type Day = keyof typeof m.days;
/** What the form needs of the store (its read model types a range as a plain array). */
interface Store {
  id: string;
  version: number;
  opening_hours: Partial<Record<Day, string[][]>>;
}

const DAYS = Object.keys(m.days) as Day[];
const RANGE = /^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-4]):[0-5]\d$/;

const show = (ranges: string[][] | undefined) =>
  (ranges ?? []).map(([a, b]) => `${a ?? ''}-${b ?? ''}`).join(', ');

/** "08:00-12:00, 14:00-20:00" as ranges; null when a part is not a range. */
function parse(text: string): Array<[string, string]> | null {
  const parts = text
    .split(',')
    .map((s) => s.replace(/\s/g, ''))
    .filter(Boolean);
  if (!parts.every((p) => RANGE.test(p))) return null;
  return parts.map((p) => p.split('-') as [string, string]);
}

/** The week's opening hours, one line a day (`PATCH /v1/stores/{id}` with expected_version). */
export function OpeningHours({ store }: { store: Store }) {
  const [text, setText] = useState(() =>
    Object.fromEntries(DAYS.map((d) => [d, show(store.opening_hours[d])])),
  );
  const [bad, setBad] = useState<Day | null>(null);
  const save = useMutation({
    mutationFn: (hours: Hours) =>
      unwrap(
        api.PATCH('/v1/stores/{id}', {
          params: { path: { id: store.id } },
          body: { opening_hours: hours, expected_version: store.version },
        }),
      ),
    onSuccess: (s) => queryClient.setQueryData([...keys.store, store.id], s),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const hours: Hours = {};
    for (const d of DAYS) {
      const ranges = parse(text[d] ?? '');
      if (!ranges) return setBad(d);
      if (ranges.length) hours[d] = ranges;
    }
    setBad(null);
    save.mutate(hours);
  };
  return (
    <form className="card stack" onSubmit={submit} aria-labelledby="hours-title">
      <h2 id="hours-title">{m.store.hours}</h2>
      <p className="muted">{m.store.hoursHelp}</p>
      {DAYS.map((d) => (
        <div key={d} className="row">
          <label htmlFor={`hours-${d}`}>{m.days[d]}</label>
          <input
            id={`hours-${d}`}
            value={text[d] ?? ''}
            onChange={(e) => setText({ ...text, [d]: e.target.value })}
          />
        </div>
      ))}
      {bad && (
        <p role="alert" className="alert">
          {m.store.badHours(m.days[bad])}
        </p>
      )}
      {save.isSuccess && <p role="status">{m.store.hoursSaved}</p>}
      <ErrorNote error={save.error} words={m.problems} />
      <button type="submit" disabled={save.isPending}>
        {m.store.saveHours}
      </button>
    </form>
  );
}
