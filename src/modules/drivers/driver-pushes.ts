import type { EventBus, Subscription } from '../../platform/bus/port.ts';

/**
 * What travels on a driver's live topic: the message for the app and, for a push about a trip, the
 * trip row's version after the change it reports. Pushes are announced after their commits by
 * whichever process made the change (the dispatcher's offer and expiry, the order consumer's
 * cancellation, ops' reassignment), so two of them about one trip may arrive in either order.
 */
export interface PushEnvelope<M extends { type: string } = { type: string }> {
  message: M;
  trip?: { id: string; version: number };
}

/** Trips remembered per socket; a shift sees far fewer, and a forgotten one only loses its filter. */
const TRIPS_REMEMBERED = 256;

/**
 * One socket's filter that keeps the pushes in commit order: a push about a trip whose newer
 * version was already sent is stale and dropped, and so is a repeat (same version, same type).
 * Pushes about no trip always pass.
 */
export function pushOrder(limit = TRIPS_REMEMBERED): (push: PushEnvelope) => boolean {
  const sent = new Map<string, { version: number; types: Set<string> }>();
  return ({ message, trip }) => {
    if (!trip) return true;
    const type = String(message.type);
    const last = sent.get(trip.id);
    if (last && trip.version < last.version) return false;
    if (last && trip.version === last.version) {
      if (last.types.has(type)) return false;
      last.types.add(type);
      return true;
    }
    sent.delete(trip.id);
    sent.set(trip.id, { version: trip.version, types: new Set([type]) });
    if (sent.size > limit) sent.delete(sent.keys().next().value as string);
    return true;
  };
}

/** Listens to a driver's topic and sends each push's message that is not stale, in arrival order. */
export function listenInOrder<M extends { type: string }>(
  bus: EventBus,
  topic: string,
  send: (message: M) => void,
): Subscription {
  const inOrder = pushOrder();
  return bus.listen(topic, (data) => {
    // Live fan-out, not an event: only DriversModule.notify announces here, typed where it is made.
    const push = data as PushEnvelope<M>;
    if (typeof push?.message === 'object' && inOrder(push)) send(push.message);
  });
}
