import { createRoute, useNavigate } from '@tanstack/react-router';
import { type Schemas, unwrap } from '@lastmile/client';
import { dateTimeSeconds } from '@web/format.ts';
import { ErrorNote, Loading, MoreButton } from '@web/ui.tsx';
import { api, m } from '../../app.ts';
import { requireSignIn, rootRoute } from '../../root.tsx';
import { usePages } from '../../table.tsx';
import { AuditFilter, auditSearchOf, type AuditSearch } from './filter.tsx';
import { CsvButton } from './csv.tsx';

type Entry = Schemas['AuditEntry'];

/** A before or after state, as the log keeps it (JSON), or "nothing". */
function State({ label, value }: { label: string; value: unknown }) {
  return (
    <div>
      <span className="muted">{label}</span>
      {value === null || value === undefined ? (
        <span className="muted">{`: ${m.audit.nothing}`}</span>
      ) : (
        <pre className="json">{JSON.stringify(value, null, 2)}</pre>
      )}
    </div>
  );
}

function EntryRow({ e }: { e: Entry }) {
  const level = e.actor.level ? ` (${m.level[e.actor.level]})` : '';
  return (
    <li data-action={e.action} data-target-id={e.target.id}>
      <div className="spread">
        <span>
          <strong className="mono">{e.action}</strong>
          <br />
          <span>{`${e.actor.email ?? e.actor.id}${level}`}</span>
        </span>
        <time dateTime={e.at} className="muted">
          {dateTimeSeconds(e.at, m.locale)}
        </time>
      </div>
      <p>
        <span className="muted">{`${m.audit.why}: `}</span>
        <span data-testid="reason">{e.reason}</span>
      </p>
      <p className="muted mono">{`${m.audit.target}: ${e.target.type} ${e.target.id}`}</p>
      {(e.before !== null || e.after !== null) && (
        <details>
          <summary>{m.audit.change}</summary>
          <div className="two-columns">
            <State label={m.audit.before} value={e.before} />
            <State label={m.audit.after} value={e.after} />
          </div>
        </details>
      )}
    </li>
  );
}

function AuditScreen() {
  const search = route.useSearch();
  const navigate = useNavigate();
  const { list, items: entries } = usePages({
    key: ['ops-audit', search],
    page: (cursor) =>
      unwrap(api.GET('/v1/ops/audit', { params: { query: { ...search, cursor } } })),
  });
  return (
    <section className="stack">
      <div className="spread">
        <h1>{m.audit.title}</h1>
        <CsvButton search={search} />
      </div>
      <p className="muted">{m.audit.intro}</p>
      <AuditFilter
        key={JSON.stringify(search)}
        value={search}
        onFilter={(s: AuditSearch) => void navigate({ to: '/audit', search: s })}
      />
      {list.isPending && <Loading text={m.loading} />}
      <ErrorNote error={list.error} words={m.problems} />
      {list.data && entries.length === 0 && <p className="muted">{m.audit.none}</p>}
      <ol className="stops card" data-testid="audit">
        {entries.map((e) => (
          <EntryRow key={e.id} e={e} />
        ))}
      </ol>
      <MoreButton query={list} label={m.audit.more} />
    </section>
  );
}

export const route = createRoute({
  getParentRoute: () => rootRoute,
  path: '/audit',
  validateSearch: auditSearchOf,
  beforeLoad: requireSignIn,
  component: AuditScreen,
});
