import type { NatsConnection } from '@nats-io/transport-node';
import type { NatsLogger } from './nats-handle.ts';
import { assertLiveTopic, type LiveHandler, type Subscription } from './port.ts';

/** Live fan-out on core NATS subjects `<prefix>.live.<topic>`, not JetStream: at most once. */
export function natsLive(
  nc: NatsConnection,
  prefix: string,
  logger: NatsLogger,
  isClosed: () => boolean,
) {
  return {
    announce(topic: string, data: unknown): void {
      assertLiveTopic(topic);
      if (isClosed() || nc.isClosed()) return;
      // Nobody listening means nobody gets it, as intended.
      nc.publish(`${prefix}.live.${topic}`, JSON.stringify(data));
    },

    listen(topic: string, handler: LiveHandler): Subscription {
      assertLiveTopic(topic);
      const sub = nc.subscribe(`${prefix}.live.${topic}`, {
        callback: (err, msg) => {
          if (err) return;
          try {
            handler(msg.json());
          } catch (e) {
            logger.warn({ err: e, topic }, 'live listener failed');
          }
        },
      });
      return {
        close: async () => {
          if (!sub.isClosed()) sub.unsubscribe();
        },
      };
    },
  };
}
