import type { JetStreamClient } from '@nats-io/jetstream';
import { NoRespondersError } from '@nats-io/transport-node';
import { type DomainEvent, eventDomain } from './event.ts';
import type { NatsStreams } from './nats-streams.ts';
import { assertEventType } from './subscription-rules.ts';

/**
 * Publishes events to their domain streams (created on first use), `Nats-Msg-Id` = event id so
 * JetStream drops a second copy within its window. Throws when any event was not stored.
 */
export function natsPublisher(js: JetStreamClient, streams: NatsStreams, prefix: string) {
  const publishOne = (p: { subject: string; data: string; id: string }) =>
    js.publish(p.subject, p.data, { msgID: p.id });

  return async (events: readonly DomainEvent[]): Promise<void> => {
    const prepared = events.map((e) => {
      assertEventType(e.type);
      return {
        domain: eventDomain(e.type),
        subject: `${prefix}.${e.type}`,
        data: JSON.stringify(e),
        id: e.id,
      };
    });
    await Promise.all([...new Set(prepared.map((p) => p.domain))].map(streams.ensure));
    // Sent without awaiting in between: one connection keeps them in order on the server.
    const results = await Promise.allSettled(prepared.map(publishOne));
    const failed = prepared.filter((_, i) => results[i]?.status === 'rejected');
    if (failed.length === 0) return;
    const first = results.find((r) => r.status === 'rejected')?.reason;
    // "No responders" means no stream listens: it vanished (deleted, or a server came back with
    // an empty store). Recreate and republish the failures once; Nats-Msg-Id makes that safe.
    // Anything else (a timeout while disconnected…) goes to the caller, whose outbox retries.
    if (!isNoStream(first)) throw first;
    const lost = [...new Set(failed.map((p) => p.domain))];
    for (const d of lost) streams.forget(d);
    await Promise.all(lost.map(streams.ensure));
    for (const p of failed) await publishOne(p);
  };
}

/** js.publish reports "no stream listens on this subject" as no responders (JetStreamNotEnabled). */
function isNoStream(err: unknown): boolean {
  return (
    err instanceof NoRespondersError || (err instanceof Error && err.name === 'JetStreamNotEnabled')
  );
}
