import { Fragment } from 'react';
import { dateTimeSeconds } from '@web/format.ts';
import { m } from '../../app.ts';
import { DataTable } from '../../table.tsx';
import { type Letter, LetterDetail, stateOf } from './letter.tsx';

/** The longest error shown in a row; the whole of it is in the letter's detail. */
const ERROR_CHARS = 80;
/** The table's columns, by their headings' words. */
const COLUMNS = [
  'selected',
  'id',
  'consumer',
  'event',
  'attempts',
  'created',
  'state',
  'details',
] as const;

function Row(p: {
  l: Letter;
  selected: boolean;
  open: boolean;
  onSelect: (on: boolean) => void;
  onToggle: () => void;
}) {
  const { l } = p;
  const state = stateOf(l);
  const short = l.error.length > ERROR_CHARS ? `${l.error.slice(0, ERROR_CHARS)}…` : l.error;
  return (
    <Fragment>
      <tr data-letter-id={l.id} data-state={state} data-consumer={l.consumer}>
        <td>
          <input
            type="checkbox"
            aria-label={m.deadLetters.select(l.id)}
            checked={p.selected}
            disabled={state !== 'pending'}
            onChange={(e) => p.onSelect(e.target.checked)}
          />
        </td>
        <td className="mono">{l.id}</td>
        <td>{l.consumer}</td>
        <td className="mono">{l.event_type}</td>
        <td className="number">{l.attempts}</td>
        <td>{dateTimeSeconds(l.created_at, m.locale)}</td>
        <td>
          <span className={`badge ${state}`}>{m.deadLetters.states[state]}</span>
          <br />
          <span className="muted">{short}</span>
        </td>
        <td>
          <button
            type="button"
            aria-expanded={p.open}
            aria-label={p.open ? m.deadLetters.close(l.id) : m.deadLetters.inspect(l.id)}
            onClick={p.onToggle}
          >
            {p.open ? m.deadLetters.hide : m.deadLetters.open}
          </button>
        </td>
      </tr>
      {p.open && (
        <tr>
          <td colSpan={COLUMNS.length}>
            <LetterDetail id={l.id} />
          </td>
        </tr>
      )}
    </Fragment>
  );
}

/** Dead letters as a table: a box to select each pending one, a button to open each. */
export function LettersTable(p: {
  letters: Letter[];
  selected: ReadonlySet<number>;
  open: number | null;
  onSelect: (id: number, on: boolean) => void;
  onOpen: (id: number | null) => void;
}) {
  return (
    <DataTable
      testId="dead-letters"
      caption={m.deadLetters.title}
      words={m.deadLetters}
      columns={COLUMNS}
      hidden={['selected', 'details']}
    >
      {p.letters.map((l) => (
        <Row
          key={l.id}
          l={l}
          selected={p.selected.has(l.id)}
          open={p.open === l.id}
          onSelect={(on) => p.onSelect(l.id, on)}
          onToggle={() => p.onOpen(p.open === l.id ? null : l.id)}
        />
      ))}
    </DataTable>
  );
}
