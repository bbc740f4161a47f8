import type { Static, TSchema } from '@sinclair/typebox';
import { contractCheckEnabled, recordValidated, recordViolation } from '../contract/check.ts';
import { type Check, compileCheck, whyInvalid } from '../contract/schemas.ts';
import { type DomainEvent, newEvent } from './event.ts';
import { type Delivery, type EventHandler, UnreadableEventError } from './port.ts';
import { assertEventType } from './subscription-rules.ts';

/**
 * A declared event type: its name, the version of its payload schema (the envelope's `version`)
 * and the schema. Producers build their events from it and consumers read them through it, so
 * every event on the bus is one the AsyncAPI document describes.
 *
 * Versions: adding a field to a payload keeps its version (consumers ignore fields they do not
 * know, so payload schemas allow more); removing, renaming or retyping one is a new version, and
 * consumers that read the type declare every version they understand.
 */
export interface EventDefinition<T extends string = string, S extends TSchema = TSchema> {
  readonly type: T;
  readonly version: number;
  readonly payload: S;
  /** What happened, in a sentence, for the document. */
  readonly description: string;
  readonly check: Check<S>;
}

export function defineEvent<const T extends string, S extends TSchema>(
  type: T,
  payload: S,
  opts: { description: string; version?: number },
): EventDefinition<T, S> {
  assertEventType(type);
  const version = opts.version ?? 1;
  if (!Number.isInteger(version) || version < 1)
    throw new Error(`event ${type}: version must be an integer >= 1`);
  return { type, version, payload, description: opts.description, check: compileCheck(payload) };
}

/** A payload that does not match its declared schema: a programming error of its producer. */
export class EventContractError extends Error {
  override name = 'EventContractError';
}

/** Checks a payload where it is produced: counted while contracts are checked, thrown when invalid. */
export function assertProduced(def: EventDefinition, payload: unknown): void {
  const ok = def.check.Check(payload);
  const checking = contractCheckEnabled();
  if (checking) recordValidated('event');
  if (ok) return;
  const detail = `version ${def.version} payload: ${whyInvalid(def.check, payload)}`;
  if (checking) recordViolation({ kind: 'event', where: def.type, detail });
  throw new EventContractError(`${def.type}: ${detail}`);
}

declare const declared: unique symbol;
/** An event built from its definition, its payload checked: the only kind the outbox takes. */
export type DeclaredEvent<P = unknown> = DomainEvent<P> & { readonly [declared]: true };

export type PayloadOf<D extends EventDefinition> = Static<D['payload']>;

/** A new event of a declared type; throws when the payload does not match its schema. */
export function declaredEvent<D extends EventDefinition>(
  def: D,
  payload: PayloadOf<D>,
  opts: { aggregateId?: string; traceId?: string } = {},
): DeclaredEvent<PayloadOf<D>> & { type: D['type'] } {
  assertProduced(def, payload);
  const event = newEvent(def.type, payload, { ...opts, version: def.version });
  return event as typeof event & { readonly [declared]: true; type: D['type'] };
}

/** The event a consumer of `D` receives: a union over the definitions, told apart by `type`. */
export type EventOf<D> =
  D extends EventDefinition<infer T, infer S>
    ? Omit<DomainEvent<Static<S>>, 'type'> & { type: T }
    : never;

export type DeclaredHandler<D extends EventDefinition> = (
  event: EventOf<D>,
  delivery: Delivery,
) => Promise<void>;

/**
 * The bus handler of a consumer of declared events: each event is read only in a version the
 * consumer declared and only with a payload that matches it. Anything else can never be handled
 * by this consumer (a newer producer, a broken payload), so it is dead-lettered at once
 * (`UnreadableEventError`) rather than retried; a replay after an upgrade reads it again.
 */
export function declaredHandler<D extends EventDefinition>(
  consumer: string,
  defs: readonly D[],
  handler: DeclaredHandler<D>,
): { subjects: string[]; handler: EventHandler } {
  const byVersion = new Map(defs.map((d) => [`${d.type}@${d.version}`, d]));
  const versions = (type: string) =>
    defs
      .filter((d) => d.type === type)
      .map((d) => d.version)
      .join(', ');
  const read: EventHandler = async (event, delivery) => {
    const def = byVersion.get(`${event.type}@${event.version}`);
    const checking = contractCheckEnabled();
    let detail: string | null = null;
    if (!def) {
      detail = `version ${event.version} is not one consumer ${consumer} reads (${versions(event.type) || 'none'})`;
    } else {
      if (checking) recordValidated('event');
      if (!def.check.Check(event.payload))
        detail = `version ${event.version} payload: ${whyInvalid(def.check, event.payload)}`;
    }
    if (detail !== null) {
      if (checking) recordViolation({ kind: 'event', where: event.type, detail });
      throw new UnreadableEventError(`${event.type}: ${detail}`);
    }
    // The definition matched and its compiled check passed: the payload is what EventOf says.
    await handler(event as EventOf<D>, delivery);
  };
  return { subjects: [...new Set(defs.map((d) => d.type))], handler: read };
}
