import { useEffect, useReducer } from 'react';
import {
  type LastmileClient,
  openTrackingSocket,
  type TrackingMessage,
  type TrackingSnapshot,
  unwrap,
} from '@lastmile/client';

export type TrackedStatus = TrackingSnapshot['status'];
/** A substitute the store proposed for a short line, or its outcome. */
export type SubstitutionUpdate = Extract<TrackingMessage, { type: 'substitution' }>;

/** An order as its tracking socket tells it: where it is, every status seen, the ETA, the driver. */
export interface Tracking {
  status: TrackedStatus | null;
  /** The statuses in the order they arrived, each once. */
  timeline: Array<{ status: TrackedStatus; at: string | null }>;
  eta: TrackingSnapshot['eta'];
  driver: { lat: number; lng: number; at: string } | null;
  /** The latest word on each substitute, by its id. */
  substitutions: Record<string, SubstitutionUpdate>;
  connected: boolean;
}

type Event = { kind: 'message'; message: TrackingMessage } | { kind: 'closed' };

const EMPTY: Tracking = {
  status: null,
  timeline: [],
  eta: null,
  driver: null,
  substitutions: {},
  connected: false,
};

function moved(t: Tracking, status: TrackedStatus, at: string | null): Tracking {
  const last = t.timeline[t.timeline.length - 1];
  const timeline = last?.status === status ? t.timeline : [...t.timeline, { status, at }];
  return { ...t, status, timeline };
}

function track(t: Tracking, e: Event): Tracking {
  if (e.kind === 'closed') return { ...t, connected: false };
  const m = e.message;
  switch (m.type) {
    case 'snapshot':
      return {
        ...moved(t, m.status, null),
        eta: m.eta,
        driver: m.driver?.position ?? t.driver,
        connected: true,
      };
    case 'status':
      return moved(t, m.status, m.at);
    case 'eta':
      return { ...t, eta: m.eta };
    case 'position':
      return { ...t, driver: { lat: m.lat, lng: m.lng, at: m.at } };
    case 'substitution':
      return { ...t, substitutions: { ...t.substitutions, [m.substitution_id]: m } };
    default:
      return t;
  }
}

/**
 * An order's tracking socket (`GET /v1/orders/{id}/track`) on the page's origin: a fresh
 * single-use ticket for each connection; after a drop the SDK reconnects and resumes after the
 * last message seen.
 */
export function openOrderSocket(api: LastmileClient, orderId: string) {
  return openTrackingSocket({
    baseUrl: window.location.origin,
    orderId,
    auth: {
      ticket: async () =>
        (await unwrap(api.POST('/v1/realtime/tickets', { body: { socket: 'tracking' } }))).ticket,
    },
  });
}

/** Follows an order live over its tracking socket. */
export function useTracking(api: LastmileClient, orderId: string | null): Tracking {
  const [state, dispatch] = useReducer(track, EMPTY);
  useEffect(() => {
    if (!orderId) return;
    const socket = openOrderSocket(api, orderId);
    const off = [
      socket.on('message', (message) => dispatch({ kind: 'message', message })),
      socket.on('close', () => dispatch({ kind: 'closed' })),
    ];
    return () => {
      off.forEach((fn) => fn());
      socket.close();
    };
  }, [api, orderId]);
  return state;
}
