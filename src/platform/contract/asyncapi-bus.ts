import { Type } from '@sinclair/typebox';
import type { EventDefinition } from '../bus/declared-event.ts';
import { eventDomain } from '../bus/event.ts';
import { DateTime } from './schemas.ts';
import type { DocumentParts } from './asyncapi-parts.ts';

/** The document's key of an event type in one version. */
export const eventMessageKey = (def: EventDefinition) => `${def.type}.v${def.version}`;

/** An event as it travels: the envelope with this type's payload. */
const envelope = (def: EventDefinition) =>
  Type.Object({
    id: Type.String({
      format: 'uuid',
      description: "The event's id (UUIDv7): also its outbox row, `Nats-Msg-Id` and inbox key",
    }),
    type: Type.Literal(def.type),
    version: Type.Literal(def.version, { description: "The payload schema's version" }),
    occurredAt: DateTime,
    aggregateId: Type.Optional(Type.String({ description: 'The id of what changed' })),
    traceId: Type.Optional(Type.String()),
    payload: def.payload,
  });

const HEADERS = Type.Object({
  'Nats-Msg-Id': Type.String({
    format: 'uuid',
    description: "The event's id: JetStream drops a second copy within two minutes",
  }),
});

/** How events travel, for the document's description. */
export const BUS_RULES = [
  "Events are published by the outbox relay once the change that made them has committed, and delivered at least once to every consumer name (processes sharing a name compete for the events). Consumers dedupe by event id (their inbox); where a payload carries its row's `version`, they apply only a version newer than the one they hold, so redeliveries and reordering change nothing.",
  'A consumer reads each type in the envelope `version`s it declares: an event in a version it does not read, or whose payload does not match, is dead-lettered at once (ops can replay it after an upgrade); a failing handler is retried with backoff, then dead-lettered. Adding a payload field keeps the version; removing, renaming or retyping one makes a new version.',
].join('\n\n');

/**
 * One channel per bus stream: events of a domain (`orders.order_placed` → domain `orders`) go to
 * the JetStream stream `<NAMESPACE>_<DOMAIN>` on the subjects `<namespace>.<domain>.<name>`.
 */
export function busParts(events: readonly EventDefinition[]): DocumentParts {
  const parts: DocumentParts = { channels: {}, operations: {}, messages: {} };
  const domains = [...new Set(events.map((e) => eventDomain(e.type)))].sort();
  for (const domain of domains) {
    const mine = events
      .filter((e) => eventDomain(e.type) === domain)
      .sort((a, b) => eventMessageKey(a).localeCompare(eventMessageKey(b)));
    const channel = `events.${domain}`;
    const refs: Record<string, { $ref: string }> = {};
    for (const def of mine) {
      const key = eventMessageKey(def);
      refs[key] = { $ref: `#/components/messages/${key}` };
      parts.messages[key] = {
        name: def.type,
        title: `${def.type} (version ${def.version})`,
        summary: def.description,
        contentType: 'application/json',
        headers: HEADERS,
        payload: envelope(def),
        'x-event-type': def.type,
        'x-event-version': def.version,
      };
    }
    const names = [...new Set(mine.map((e) => e.type.slice(domain.length + 1)))];
    parts.channels[channel] = {
      address: `{namespace}.${domain}.{event}`,
      title: `${domain} events`,
      description: `The ${domain} domain's events: JetStream stream \`<NAMESPACE>_${domain.toUpperCase()}\` (interest retention), subjects \`<namespace>.${domain}.<event>\`.`,
      servers: [{ $ref: '#/servers/nats' }],
      parameters: {
        namespace: {
          default: 'lastmile',
          description: 'LASTMILE_NAMESPACE: the prefix of every subject and stream of one install',
        },
        event: { enum: names, description: 'The event name within its domain' },
      },
      messages: refs,
    };
    parts.operations[`publish.${domain}`] = {
      action: 'send',
      channel: { $ref: `#/channels/${channel}` },
      title: `Publish ${domain} events`,
      summary: `Every ${domain} event, from the outbox, after its change committed.`,
      messages: Object.keys(refs).map((key) => ({ $ref: `#/channels/${channel}/messages/${key}` })),
    };
  }
  return parts;
}
