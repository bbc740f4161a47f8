import {
  type DriverChannel,
  openDriverChannel,
  openStoreOrdersSocket,
  type StoreOrdersSocket,
} from '../src/client/index.ts';
import { bump, type SimState } from './state.ts';

/**
 * What a simulated app does between two things to do: it waits for the next tick of its own
 * clock, or less when a push arrived. A push that came while the agent was busy is not lost: the
 * next wait returns at once.
 */
export class Wake {
  private rung = false;
  private waiter: (() => void) | null = null;

  ring(): void {
    this.rung = true;
    const w = this.waiter;
    this.waiter = null;
    w?.();
  }

  /** Resolves after `ms`, or as soon as the bell rings (at once when it rang since the last wait). */
  async wait(ms: number): Promise<void> {
    if (!this.rung) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(
          () => {
            this.waiter = null;
            resolve();
          },
          Math.max(0, ms),
        );
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
    this.rung = false;
  }
}

/** Reconnects soon after a drop: a killed API process must not leave an agent deaf for long. */
const RECONNECT = { minDelayMs: 200, maxDelayMs: 3000 };

/** Counts what a socket hears by type, and its errors: the report's "what the apps heard". */
const tally = (s: SimState, channel: string) => ({
  message: (m: { type: string }) => bump(s.api.stats.pushes, `${channel} ${m.type}`),
  error: () => bump(s.api.stats.pushes, `${channel} socket error`),
});

/** A courier's app channel (`/v1/drivers/me/channel`), on one of the API processes. */
export function courierChannel(s: SimState, token: string, index: number): DriverChannel {
  const channel = openDriverChannel({
    baseUrl: s.api.socketBase(index),
    auth: { token },
    reconnect: RECONNECT,
  });
  const t = tally(s, 'driver');
  channel.on('message', t.message);
  channel.on('error', t.error);
  return channel;
}

/** A store's live orders (`/v1/stores/{id}/orders/live`), on one of the API processes. */
export function storeFeed(
  s: SimState,
  store: { id: string; token: string; index: number },
): StoreOrdersSocket {
  const feed = openStoreOrdersSocket({
    baseUrl: s.api.socketBase(store.index),
    storeId: store.id,
    auth: { token: store.token },
    reconnect: RECONNECT,
  });
  const t = tally(s, 'store');
  feed.on('message', t.message);
  feed.on('error', t.error);
  return feed;
}
