import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import type { Schemas } from '@lastmile/client';
import type { TrackedStatus } from '@web/tracking.ts';
import { CancelOrder } from './cancel.tsx';
import { RateCourier } from './rating.tsx';
import { ReceiptCard } from './receipt.tsx';
import { Refunds } from './refunds.tsx';
import { OrderSupport } from './support.tsx';

const ENDED = new Set<TrackedStatus>(['delivered', 'canceled', 'failed', 'returned']);

/**
 * What the customer does about an order besides following it: the receipt, refunds, rating the
 * courier, support and canceling. Each move of the order reads them again (the socket says the
 * order moved; what moved with it, a capture or a refund, is read from the API).
 */
export function OrderCare({ order, status }: { order: Schemas['Order']; status: TrackedStatus }) {
  const client = useQueryClient();
  const seen = useRef<TrackedStatus | null>(null);
  useEffect(() => {
    if (seen.current !== null && seen.current !== status)
      void client.invalidateQueries({ queryKey: ['order', order.id] });
    seen.current = status;
  }, [client, order.id, status]);
  const delivered = status === 'delivered';
  return (
    <>
      {delivered && <RateCourier orderId={order.id} />}
      <ReceiptCard orderId={order.id} ended={ENDED.has(status)} />
      <Refunds orderId={order.id} delivered={delivered} />
      <OrderSupport orderId={order.id} />
      <CancelOrder orderId={order.id} canCancel={order.can_cancel} />
    </>
  );
}
