import type { Schemas } from '@lastmile/client';
import { dateTimeSeconds } from '@web/format.ts';
import { m } from '../../app.ts';
import { DataTable } from '../../table.tsx';
import { count, ms } from './numbers.ts';

type Health = Schemas['OpsHealth'];

export function Modules({ h }: { h: Health }) {
  return (
    <DataTable
      testId="modules"
      caption={m.health.modules}
      words={m.health}
      columns={['module', 'state']}
    >
      {h.modules.map((x) => (
        <tr key={x.name} data-module={x.name} data-state={x.state}>
          <td className="mono">{x.name}</td>
          <td>
            <span className={`badge ${x.state === 'running' ? 'good' : ''}`}>
              {m.health.moduleStates[x.state] ?? x.state}
            </span>
          </td>
        </tr>
      ))}
    </DataTable>
  );
}

export function Dependencies({ h }: { h: Health }) {
  return (
    <DataTable
      testId="dependencies"
      caption={m.health.dependencies}
      words={m.health}
      columns={['dependency', 'kind', 'answers', 'latency']}
    >
      {h.dependencies.map((d) => (
        <tr key={d.name} data-dependency={d.name} data-ok={d.ok}>
          <td className="mono">{d.name}</td>
          <td className="mono">{d.kind}</td>
          <td>
            <span className={`badge ${d.ok ? 'good' : ''}`}>
              {d.ok ? m.health.yes : m.health.no}
            </span>
            {d.detail && <span className="muted">{` ${d.detail}`}</span>}
          </td>
          <td className="number">{d.latency_ms === null ? '—' : ms(d.latency_ms)}</td>
        </tr>
      ))}
    </DataTable>
  );
}

export function Queues({ h }: { h: Health }) {
  return (
    <DataTable
      testId="queues"
      caption={m.health.queues}
      words={m.health}
      columns={['queue', 'owner', 'depth', 'oldest']}
    >
      {h.queues.map((q) => (
        <tr key={q.name} data-queue={q.name} data-depth={q.depth ?? ''}>
          <td>
            <span className="mono">{q.name}</span>
            <br />
            <span className="muted">{q.description}</span>
          </td>
          <td className="mono">{q.owner}</td>
          <td className="number">
            {q.error !== null
              ? m.health.unreadable
              : q.capped
                ? m.health.atLeast(q.depth ?? 0)
                : count(q.depth ?? 0)}
          </td>
          <td>{q.oldest_at ? dateTimeSeconds(q.oldest_at, m.locale) : m.health.none}</td>
        </tr>
      ))}
    </DataTable>
  );
}

export function Consumers({ h }: { h: Health }) {
  const c = h.consumers;
  return (
    <>
      <p className="muted">{m.health.consumersFrom(c.source)}</p>
      {c.error && (
        <p role="alert" className="alert">
          {c.error}
        </p>
      )}
      {!c.error && c.items.length === 0 && <p className="muted">{m.health.noConsumers}</p>}
      {c.items.length > 0 && (
        <DataTable
          testId="consumers"
          caption={m.health.consumers}
          words={m.health}
          columns={['consumer', 'stream', 'pending', 'inFlight', 'redelivered']}
        >
          {c.items.map((x) => (
            <tr key={`${x.stream ?? ''}/${x.consumer}`} data-consumer={x.consumer}>
              <td className="mono">{x.consumer}</td>
              <td className="mono">{x.stream ?? '—'}</td>
              <td className="number">{count(x.pending)}</td>
              <td className="number">{count(x.in_flight)}</td>
              <td className="number">{count(x.redelivered)}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </>
  );
}
