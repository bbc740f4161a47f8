import { useQuery } from '@tanstack/react-query';
import { type Schemas, unwrap } from '@lastmile/client';
import { dateTimeSeconds } from '@web/format.ts';
import { ErrorNote, Loading } from '@web/ui.tsx';
import { api, m, queryClient } from '../../app.ts';
import { ReasonForm } from '../../reason-form.tsx';

export type Letter = Schemas['DeadLetter'];
export type LetterState = keyof typeof m.deadLetters.states;

/** Where a dead letter stands: waiting, its replay asked for, replayed, or discarded. */
export function stateOf(l: Letter): LetterState {
  if (l.discarded_at) return 'discarded';
  if (l.replayed_at) return 'replayed';
  return l.replay_requested_at ? 'requested' : 'pending';
}

/** After an action: the list and the letter read again. */
export const refreshLetters = () =>
  queryClient.invalidateQueries({ queryKey: ['ops-dead-letters'] });

const replay = (id: number, reason: string, key: string) =>
  unwrap(
    api.POST('/v1/ops/dead-letters/{id}/replay', {
      params: { path: { id }, header: { 'idempotency-key': key } },
      body: { reason },
    }),
  );
const discard = (id: number, reason: string, key: string) =>
  unwrap(
    api.POST('/v1/ops/dead-letters/{id}/discard', {
      params: { path: { id }, header: { 'idempotency-key': key } },
      body: { reason },
    }),
  );

/** One dead letter opened: its event (payload as JSON), its error, and what may be done. */
export function LetterDetail({ id }: { id: number }) {
  const q = useQuery({
    queryKey: ['ops-dead-letters', 'one', id],
    queryFn: () => unwrap(api.GET('/v1/ops/dead-letters/{id}', { params: { path: { id } } })),
  });
  if (q.isPending) return <Loading text={m.loading} />;
  if (q.error) return <ErrorNote error={q.error} words={m.problems} />;
  const l = q.data;
  const state = stateOf(l);
  return (
    <div className="stack" data-testid="letter-detail" data-state={state}>
      <dl className="facts">
        <dt>{m.deadLetters.eventId}</dt>
        <dd className="mono">{l.event.id}</dd>
        <dt>{m.deadLetters.event}</dt>
        <dd className="mono">{m.deadLetters.typeVersion(l.event.type, l.event.version)}</dd>
        <dt>{m.deadLetters.aggregate}</dt>
        <dd className="mono">{l.event.aggregate_id ?? m.deadLetters.none_}</dd>
        <dt>{m.deadLetters.occurred}</dt>
        <dd>{dateTimeSeconds(l.event.occurred_at, m.locale)}</dd>
      </dl>
      <div>
        <h3>{m.deadLetters.error}</h3>
        <pre className="json" data-testid="letter-error">
          {l.error}
        </pre>
      </div>
      <div>
        <h3>{m.deadLetters.payload}</h3>
        <pre className="json" data-testid="payload">
          {JSON.stringify(l.event.payload, null, 2)}
        </pre>
      </div>
      {state === 'pending' || state === 'requested' ? (
        <div className="two-columns">
          <ReasonForm
            label={m.deadLetters.replayReason}
            action={m.deadLetters.replay}
            disabled={state === 'requested'}
            act={(reason, key) => replay(id, reason, key)}
            onDone={() => void refreshLetters()}
          />
          <ReasonForm
            label={m.deadLetters.discardReason}
            action={m.deadLetters.discard}
            act={(reason, key) => discard(id, reason, key)}
            onDone={() => void refreshLetters()}
          />
        </div>
      ) : (
        <p className="muted">{m.deadLetters.settled[state]}</p>
      )}
    </div>
  );
}
