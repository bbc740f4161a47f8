import type { Schemas } from '@lastmile/client';
import { dateTimeSeconds } from '@web/format.ts';
import { m } from '../../app.ts';
import { count, ms } from './numbers.ts';

type Health = Schemas['OpsHealth'];

/** A small table in a card, with a caption for screen readers and its test id. */
function Table(p: { title: string; testId: string; head: string[]; children: React.ReactNode }) {
  return (
    <div className="card table-scroll">
      <table data-testid={p.testId}>
        <caption className="visually-hidden">{p.title}</caption>
        <thead>
          <tr>
            {p.head.map((h) => (
              <th key={h} scope="col">
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{p.children}</tbody>
      </table>
    </div>
  );
}

export function Modules({ h }: { h: Health }) {
  return (
    <Table title={m.health.modules} testId="modules" head={[m.health.module, m.health.state]}>
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
    </Table>
  );
}

export function Dependencies({ h }: { h: Health }) {
  const head = [m.health.dependency, m.health.kind, m.health.answers, m.health.latency];
  return (
    <Table title={m.health.dependencies} testId="dependencies" head={head}>
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
    </Table>
  );
}

export function Queues({ h }: { h: Health }) {
  const head = [m.health.queue, m.health.owner, m.health.depth, m.health.oldest];
  return (
    <Table title={m.health.queues} testId="queues" head={head}>
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
    </Table>
  );
}

export function Consumers({ h }: { h: Health }) {
  const c = h.consumers;
  const head = [
    m.health.consumer,
    m.health.stream,
    m.health.pending,
    m.health.inFlight,
    m.health.redelivered,
  ];
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
        <Table title={m.health.consumers} testId="consumers" head={head}>
          {c.items.map((x) => (
            <tr key={`${x.stream ?? ''}/${x.consumer}`} data-consumer={x.consumer}>
              <td className="mono">{x.consumer}</td>
              <td className="mono">{x.stream ?? '—'}</td>
              <td className="number">{count(x.pending)}</td>
              <td className="number">{count(x.in_flight)}</td>
              <td className="number">{count(x.redelivered)}</td>
            </tr>
          ))}
        </Table>
      )}
    </>
  );
}
