import { useEffect } from 'react';
import { openOrderSocket } from '@web/tracking.ts';
import { api, keys, queryClient } from '../../app.ts';

/**
 * While an order's screen is open, its tracking socket (`GET /v1/orders/{id}/track`) tells when
 * it moves or the customer answers a substitute: the screen reads the order again.
 */
export function useOrderLive(orderId: string): void {
  useEffect(() => {
    const socket = openOrderSocket(api, orderId);
    const off = socket.on('message', (msg) => {
      if (msg.type === 'status' || msg.type === 'substitution')
        void queryClient.invalidateQueries({ queryKey: keys.order(orderId) });
    });
    return () => {
      off();
      socket.close();
    };
  }, [orderId]);
}
