import type { EventDefinition } from '../bus/declared-event.ts';
import type { ModuleDefinition } from '../module.ts';
import { BUS_RULES, busParts, eventMessageKey } from './asyncapi-bus.ts';
import { mergeParts } from './asyncapi-parts.ts';
import { SOCKET_SECURITY_SCHEMES, socketsParts } from './asyncapi-sockets.ts';
import type { SocketChannel } from './socket-contract.ts';

/** What the modules declare for the document: the events they publish and the sockets they serve. */
export interface AsyncContract {
  events: EventDefinition[];
  sockets: SocketChannel[];
}

/** Collects the modules' declarations; a type (in one version) or a socket declared twice is refused. */
export function asyncContractOf(
  modules: readonly Pick<ModuleDefinition, 'name' | 'events' | 'sockets'>[],
): AsyncContract {
  const events = new Map<string, EventDefinition>();
  const sockets = new Map<string, SocketChannel>();
  for (const m of modules) {
    for (const e of m.events ?? []) {
      const key = eventMessageKey(e);
      if (events.has(key)) throw new Error(`event ${key} is declared twice (module ${m.name})`);
      events.set(key, e);
    }
    for (const s of m.sockets ?? []) {
      if (sockets.has(s.id)) throw new Error(`socket ${s.id} is declared twice (module ${m.name})`);
      sockets.set(s.id, s);
    }
  }
  return { events: [...events.values()], sockets: [...sockets.values()] };
}

const DESCRIPTION = [
  "lastmile's asynchronous interfaces.",
  '',
  "- **Sockets** (server `api`): live order tracking and the driver app's channel. Every message is a JSON object told apart by its `type`. The operations are seen from the server: `send` is server to client, `receive` client to server.",
  '- **Domain events** (server `nats`): what the modules publish on the bus when their state changes, one channel per stream. Each message is an event envelope whose `version` is the version of its payload schema.',
  '',
  BUS_RULES,
].join('\n');

/** The AsyncAPI 3.0 document of the modules' sockets and events, as plain JSON. */
export function asyncApiDocument(
  modules: readonly Pick<ModuleDefinition, 'name' | 'events' | 'sockets'>[],
): Record<string, unknown> {
  const { events, sockets } = asyncContractOf(modules);
  const parts = mergeParts(busParts(events), ...socketsParts(sockets));
  const doc = {
    asyncapi: '3.0.0',
    info: {
      title: 'lastmile sockets and events',
      version: '0.1.0',
      description: DESCRIPTION,
      license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
    },
    defaultContentType: 'application/json',
    servers: {
      api: {
        host: 'localhost:3000',
        protocol: 'ws',
        description:
          'The API (PORT, default 3000); `wss` behind a TLS proxy. The same host serves the REST API (`/openapi.json`).',
      },
      nats: {
        host: 'localhost:4222',
        protocol: 'nats',
        description:
          'NATS with JetStream (NATS_URL), the bus between the processes of an install. Internal: not exposed to clients.',
      },
    },
    channels: parts.channels,
    operations: parts.operations,
    components: { messages: parts.messages, securitySchemes: SOCKET_SECURITY_SCHEMES },
  };
  // TypeBox schemas carry symbols; the document is what JSON makes of them.
  const json = JSON.parse(JSON.stringify(doc)) as typeof doc;
  const { messages, schemas } = withNamedSchemas(json.components.messages);
  return { ...json, components: { ...json.components, messages, schemas } };
}

/**
 * The named schemas (`component()`: an `$id`) in the messages' payloads, written once under
 * `components.schemas` and referred to. Such a schema is also a component of the OpenAPI
 * document by the same name (the tracking log's messages, which the REST feed pages too).
 */
function withNamedSchemas(messages: Record<string, { payload?: unknown }>) {
  const schemas: Record<string, unknown> = {};
  const named = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(named);
    if (!node || typeof node !== 'object') return node;
    const { $id, ...rest } = node as Record<string, unknown>;
    const out = Object.fromEntries(
      Object.entries(rest).map(([k, v]) => [k, k === 'examples' ? v : named(v)]),
    );
    if (typeof $id !== 'string') return out;
    if ($id in schemas && JSON.stringify(schemas[$id]) !== JSON.stringify(out))
      throw new Error(`two different schemas are named ${$id}`);
    schemas[$id] = out;
    return { $ref: `#/components/schemas/${$id}` };
  };
  const out = Object.fromEntries(
    Object.entries(messages).map(([key, m]) => [key, { ...m, payload: named(m.payload) }]),
  );
  return { messages: out, schemas };
}
