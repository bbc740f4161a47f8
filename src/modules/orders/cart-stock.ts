/**
 * A cart line's stock: how many units the cart can have of its product at the store right now
 * (`available`) and what that means for the line (`status`), so an app explains a line checkout
 * would refuse before the customer pays.
 */

/** A line is `low` while the store has this many units or fewer for the cart (and enough for it). */
export const LOW_STOCK_AT = 5;

export const LINE_STOCK_STATUSES = ['in_stock', 'low', 'short', 'sold_out'] as const;
export type LineStockStatus = (typeof LINE_STOCK_STATUSES)[number];

/**
 * `sold_out`: none left for the cart; `short`: some, but fewer than the line's quantity; `low`:
 * enough, but `LOW_STOCK_AT` or fewer; else `in_stock`.
 */
export function lineStockStatus(available: number, quantity: number): LineStockStatus {
  if (available <= 0) return 'sold_out';
  if (available < quantity) return 'short';
  if (available <= LOW_STOCK_AT) return 'low';
  return 'in_stock';
}

/** Whether checkout would refuse the line now (OUT_OF_STOCK names its product). */
export const blocksCheckout = (status: LineStockStatus) =>
  status === 'short' || status === 'sold_out';
