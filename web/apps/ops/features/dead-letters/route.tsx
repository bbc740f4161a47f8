import { useState } from 'react';
import { createRoute, useNavigate } from '@tanstack/react-router';
import { type Schemas, unwrap } from '@lastmile/client';
import { ErrorNote, Loading, MoreButton } from '@web/ui.tsx';
import { api, m } from '../../app.ts';
import { FilterForm, SelectField, TextField } from '../../fields.tsx';
import { ReasonForm } from '../../reason-form.tsx';
import { requireSignIn, rootRoute } from '../../root.tsx';
import { usePages } from '../../table.tsx';
import { refreshLetters, stateOf } from './letter.tsx';
import { LettersTable } from './table.tsx';

// Events a consumer gave up on: find them (by consumer, pending or all), open one to read its
// event and error, replay or discard it, or replay several at once, each with a reason.

interface LetterSearch {
  consumer?: string;
  all?: boolean;
}
type Outcome = Schemas['DeadLetterReplayResults']['items'][number];

/** While a replay waits for its worker, the list asks again this often. */
const WAITING_REFRESH_MS = 2_000;

function letterSearchOf(q: Record<string, unknown>): LetterSearch {
  const out: LetterSearch = {};
  if (typeof q.consumer === 'string' && q.consumer.trim()) out.consumer = q.consumer.trim();
  if (q.all === true || q.all === 'true') out.all = true;
  return out;
}

function Filter(p: { value: LetterSearch; onFilter: (s: LetterSearch) => void }) {
  const [consumer, setConsumer] = useState(p.value.consumer ?? '');
  const [all, setAll] = useState(p.value.all ?? false);
  return (
    <FilterForm
      label={m.deadLetters.title}
      submit={m.deadLetters.filter}
      onFilter={() => p.onFilter(letterSearchOf({ consumer, all }))}
    >
      <TextField
        id="dl-consumer"
        label={m.deadLetters.consumer}
        value={consumer}
        onChange={setConsumer}
      />
      <SelectField
        id="dl-show"
        label={m.deadLetters.show}
        value={all ? 'all' : 'pending'}
        onChange={(v) => setAll(v === 'all')}
        values={['pending', 'all']}
        words={{ pending: m.deadLetters.pendingOnly, all: m.deadLetters.all }}
      />
    </FilterForm>
  );
}

function Outcomes({ items }: { items: Outcome[] }) {
  return (
    <ul className="card" data-testid="replay-outcomes" aria-live="polite">
      {items.map((o) => (
        <li key={o.id} data-letter-id={o.id} data-outcome={o.outcome}>
          {m.deadLetters.outcome(o.id, m.deadLetters.outcomes[o.outcome])}
        </li>
      ))}
    </ul>
  );
}

function DeadLettersScreen() {
  const search = route.useSearch();
  const navigate = useNavigate();
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const [open, setOpen] = useState<number | null>(null);
  const [outcomes, setOutcomes] = useState<Outcome[] | null>(null);
  const { list, items: letters } = usePages({
    key: ['ops-dead-letters', 'list', search],
    page: (cursor) =>
      unwrap(
        api.GET('/v1/ops/dead-letters', {
          params: { query: { consumer: search.consumer, pending: !search.all, cursor } },
        }),
      ),
    refetchInterval: (pages) =>
      pages.some((p) => p.items.some((l) => stateOf(l) === 'requested'))
        ? WAITING_REFRESH_MS
        : false,
  });
  const select = (id: number, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(id);
    else next.delete(id);
    setSelected(next);
  };
  const replaySelected = (reason: string, key: string) =>
    unwrap(
      api.POST('/v1/ops/dead-letters/replay', {
        params: { header: { 'idempotency-key': key } },
        body: { ids: [...selected], reason },
      }),
    );
  return (
    <section className="stack">
      <h1>{m.deadLetters.title}</h1>
      <p className="muted">{m.deadLetters.intro}</p>
      <Filter
        key={JSON.stringify(search)}
        value={search}
        onFilter={(s) => void navigate({ to: '/dead-letters', search: s })}
      />
      {selected.size > 0 && (
        <div className="card">
          <ReasonForm
            label={m.deadLetters.replaySelectedReason(selected.size)}
            action={m.deadLetters.replaySelected}
            act={replaySelected}
            onDone={(r) => {
              setOutcomes(r.items);
              setSelected(new Set());
              void refreshLetters();
            }}
          />
        </div>
      )}
      {outcomes && <Outcomes items={outcomes} />}
      {list.isPending && <Loading text={m.loading} />}
      <ErrorNote error={list.error} words={m.problems} />
      {list.data && letters.length === 0 && <p className="muted">{m.deadLetters.none}</p>}
      {letters.length > 0 && (
        <LettersTable
          letters={letters}
          selected={selected}
          open={open}
          onSelect={select}
          onOpen={setOpen}
        />
      )}
      <MoreButton query={list} label={m.deadLetters.more} />
    </section>
  );
}

export const route = createRoute({
  getParentRoute: () => rootRoute,
  path: '/dead-letters',
  validateSearch: letterSearchOf,
  beforeLoad: requireSignIn,
  component: DeadLettersScreen,
});
