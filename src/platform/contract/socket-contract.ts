import type { Static, TObject, TSchema } from '@sinclair/typebox';
import { contractCheckEnabled, recordValidated, recordViolation } from './check.ts';
import { type Check, compileCheck, whyInvalid } from './schemas.ts';

/**
 * The messages of a WebSocket route, declared beside it: the route sends and reads only these, and
 * the AsyncAPI document is built from them. Every message is a JSON object told apart by `type`.
 */
export interface SocketMessage<N extends string = string, S extends TSchema = TSchema> {
  /** The message's `type`. */
  readonly name: N;
  readonly schema: S;
  /** What the message says, in a sentence. */
  readonly summary: string;
  readonly check: Check<S>;
}

export function socketMessage<const N extends string, S extends TSchema>(
  name: N,
  schema: S,
  summary: string,
): SocketMessage<N, S> {
  return { name, schema, summary, check: compileCheck(schema) };
}

export type MessageOf<M extends SocketMessage> = Static<M['schema']>;

/** A close code the server uses, and when. */
export interface SocketCloseCode {
  code: number;
  reason: string;
  when: string;
}

/** A WebSocket route as the document shows it. */
export interface SocketChannel {
  /** The channel's key in the document. */
  id: string;
  title: string;
  /** The route's path, parameters in braces: `/v1/orders/{id}/track`. */
  address: string;
  /** Who connects and what flows, the order of messages, resuming: the rules a client follows. */
  description: string;
  /** Path parameters and what they are. */
  parameters: Record<string, string>;
  /** The query string of the upgrade request. */
  query: TObject;
  /** The roles that may connect. */
  roles: readonly string[];
  /** Server to client. */
  sends: readonly SocketMessage[];
  /** Client to server. */
  receives: readonly SocketMessage[];
  /** For each client message, the server messages that may answer it. */
  replies?: Readonly<Record<string, readonly string[]>>;
  /** The close codes the server uses. */
  closeCodes: readonly SocketCloseCode[];
}

/** How a message refused by the server stands against its schema. */
export type Verdict = 'accepted' | 'refused' | 'unjudged';

/**
 * Contract checks of one socket's messages while contracts are checked (tests): every message the
 * server sends must match its schema, and every client message the schema allows must be one the
 * server accepts (and the other way round). Outside tests these cost one boolean read.
 */
export function socketContract(channel: SocketChannel) {
  const sends = new Map(channel.sends.map((m) => [m.name, m]));
  const receives = new Map(channel.receives.map((m) => [m.name, m]));
  const typeOf = (msg: unknown) =>
    typeof msg === 'object' && msg !== null && 'type' in msg ? String(msg.type) : '?';
  const judge = (known: Map<string, SocketMessage>, msg: unknown): string | null => {
    const m = known.get(typeOf(msg));
    if (!m) return `no message of type "${typeOf(msg)}" is declared`;
    return m.check.Check(msg) ? null : whyInvalid(m.check, msg);
  };
  return {
    /** A message about to be sent. */
    sent(msg: unknown): void {
      if (!contractCheckEnabled()) return;
      recordValidated('socket');
      const why = judge(sends, msg);
      if (why !== null)
        recordViolation({
          kind: 'socket',
          where: `${channel.title} → ${typeOf(msg)}`,
          detail: why,
        });
    },
    /** A client message and what the server made of it. */
    received(msg: unknown, verdict: Verdict): void {
      if (!contractCheckEnabled()) return;
      recordValidated('socket');
      if (verdict === 'unjudged') return;
      const why = judge(receives, msg);
      const where = `${channel.title} ← ${typeOf(msg)}`;
      if (verdict === 'accepted' && why !== null)
        recordViolation({
          kind: 'socket',
          where,
          detail: `accepted, yet its schema refuses it: ${why}`,
        });
      if (verdict === 'refused' && why === null)
        recordViolation({ kind: 'socket', where, detail: 'refused, yet its schema allows it' });
    },
  };
}
