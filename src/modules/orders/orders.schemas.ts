import { type TProperties, Type } from '@sinclair/typebox';
import { component, pageOf, ref, stringEnum } from '../../platform/http/contract.ts';
import { transitionsDoc } from '../../platform/http/transitions-doc.ts';
import { DateTime, Uuid } from '../../platform/http/typed.ts';
import { LINE_STOCK_STATUSES, LOW_STOCK_AT } from './cart-stock.ts';
import { OrderPromise, PromiseParts } from './order-promise.schemas.ts';
import { canTransition, ORDER_STATUSES, type OrderStatus } from './order-state.ts';

/** The orders module's API shapes (named components of the OpenAPI document). */

const Minor = (description?: string) =>
  Type.Integer({ minimum: 0, ...(description ? { description } : {}) });
const closed = (props: TProperties, description?: string, examples?: unknown[]) =>
  Type.Object(props, {
    additionalProperties: false,
    ...(description ? { description } : {}),
    ...(examples ? { examples } : {}),
  });

/** The order's moves, read from the state machine (order-state.ts). */
export const ORDER_MOVES = Object.fromEntries(
  ORDER_STATUSES.map((s) => [s, ORDER_STATUSES.filter((to) => canTransition(s, to))]),
) as Record<OrderStatus, OrderStatus[]>;

/** An order's status (a named component: every schema that shows one refers to it). */
export const OrderStatusField = component(
  'OrderStatus',
  stringEnum(ORDER_STATUSES, `Where the order is. Allowed moves: ${transitionsDoc(ORDER_MOVES)}`),
);

const priceTotals = {
  subtotal_minor: Minor('The goods, in minor units of `currency`'),
  delivery_fee_minor: Minor(),
  small_order_fee_minor: Minor('Tops a small basket up to the minimum'),
  service_fee_minor: Minor(),
  tax_minor: Minor(),
  total_minor: Minor('What the card is authorized for'),
};

/** Named components, each shown by both `Order` and `OrderWithPayment`. */
const OrderLine = component(
  'OrderLine',
  closed({
    product_id: Uuid,
    sku: Type.String(),
    name: Type.String(),
    unit_price_minor: Minor('The catalog price at checkout'),
    quantity: Type.Integer({ minimum: 1 }),
    picked_quantity: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
      description:
        'What the store packed (set when the order became ready); below `quantity` when short',
    }),
    substitute_for: Type.Optional(
      Type.String({
        format: 'uuid',
        description:
          'An accepted substitute: the product of the short line it replaces (see /v1/orders/{id}/substitutions)',
      }),
    ),
  }),
);

const OrderTotals = component(
  'OrderTotals',
  closed({
    ...priceTotals,
    captured_minor: Type.Union([Minor(), Type.Null()], {
      description: 'What was charged on delivery (only the picked goods); null until then',
    }),
  }),
);

const orderProperties = {
  id: Uuid,
  status: ref(OrderStatusField),
  version: Type.Integer({ minimum: 1, description: 'Goes up by one with every change' }),
  store_id: Uuid,
  customer_id: Uuid,
  currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217' }),
  totals: ref(OrderTotals),
  delivery: closed({
    lat: Type.Number({ minimum: -90, maximum: 90 }),
    lng: Type.Number({ minimum: -180, maximum: 180 }),
    address: Type.String(),
  }),
  reason: Type.Union([Type.String(), Type.Null()], {
    description: 'Why the order was canceled or failed',
  }),
  promise: Type.Union([ref(OrderPromise), Type.Null()], {
    description: 'The delivery window promised at checkout, and the ETA point in it',
  }),
  placed_at: DateTime,
  status_at: DateTime,
  can_cancel: Type.Boolean({
    description:
      'Whether `POST /v1/orders/{id}/cancel` can cancel it now (its customer or ops): until a driver has the bag',
  }),
  lines: Type.Optional(
    Type.Array(ref(OrderLine), {
      description: 'Present when one order is read (GET /v1/orders/{id}, a repeated checkout)',
    }),
  ),
};

const EXAMPLE_ORDER = {
  id: '0190f0c2-6a2e-7b61-9d8e-3f3a1f6f2a10',
  status: 'authorized',
  version: 2,
  store_id: '0190f0b0-1c4d-7a2e-8f10-5b6c7d8e9f01',
  customer_id: '0190f0a1-2b3c-7d4e-9f50-6a7b8c9d0e12',
  currency: 'EUR',
  totals: {
    subtotal_minor: 1300,
    delivery_fee_minor: 299,
    small_order_fee_minor: 200,
    service_fee_minor: 65,
    tax_minor: 130,
    total_minor: 1994,
    captured_minor: null,
  },
  delivery: { lat: 52.52, lng: 13.405, address: 'Torstraße 1, Berlin' },
  reason: null,
  promise: {
    from: '2026-12-06T18:20:00.000Z',
    to: '2026-12-06T18:28:00.000Z',
    at: '2026-12-06T18:23:41.000Z',
    parts: {
      accept_s: 40,
      prep_s: 260,
      pickup_lag_s: 45,
      ride_s: 580,
      handover_s: 60,
      error_s: 35,
    },
  },
  placed_at: '2026-12-06T17:55:02.114Z',
  status_at: '2026-12-06T17:55:02.530Z',
  can_cancel: true,
  lines: [
    {
      product_id: '0190f0b1-3d4e-7f50-8a61-7b8c9d0e1f23',
      sku: 'MILK-1L',
      name: 'Milk 1 l',
      unit_price_minor: 500,
      quantity: 2,
      picked_quantity: null,
    },
    {
      product_id: '0190f0b1-3d4e-7f50-8a61-7b8c9d0e1f24',
      sku: 'BREAD-500',
      name: 'Rye bread 500 g',
      unit_price_minor: 300,
      quantity: 1,
      picked_quantity: null,
    },
  ],
};
const { lines: _lines, ...EXAMPLE_ORDER_HEAD } = EXAMPLE_ORDER;

export const Order = component(
  'Order',
  closed(orderProperties, 'A customer order at one store', [EXAMPLE_ORDER]),
);

/** Order statuses that say the payment is not settled yet; a checkout never answers them. */
const UNSETTLED = ['placed', 'authorizing', 'payment_failed'] as const satisfies OrderStatus[];
const SETTLED = ORDER_STATUSES.filter((s) => !(UNSETTLED as readonly string[]).includes(s));

/** What a checkout or a payment retry says about the payment, next to the order. */
const PaymentOutcome = closed(
  {
    status: stringEnum(
      [...new Set(['authorized', 'pending', ...SETTLED])],
      "How the payment went: `authorized`, or `pending` while the provider has not answered (202: follow the order). A repeated request reports the order's status once the payment is settled. A declined card is a 402 problem instead.",
    ),
    reason: Type.Optional(Type.String({ description: 'Why it is pending' })),
  },
  'The payment of a checkout or a payment retry',
);

export const OrderWithPayment = component(
  'OrderWithPayment',
  closed(
    { ...orderProperties, payment: PaymentOutcome },
    'The order a checkout placed (or a payment retry paid for), with how its payment went',
    [{ ...EXAMPLE_ORDER_HEAD, payment: { status: 'authorized' } }],
  ),
);

export const OrderPage = pageOf(ref(Order), 'Orders, newest first');

const CartLine = closed({
  product_id: Uuid,
  sku: Type.String(),
  name: Type.String(),
  unit_price_minor: Minor('The current catalog price'),
  quantity: Type.Integer({ minimum: 1 }),
  line_total_minor: Minor(),
  available: Type.Integer({
    minimum: 0,
    description:
      'How many units of the product this cart can have at its store right now: the free stock (on hand − reserved), plus what the cart itself holds of it (cart holds, `LASTMILE_CART_HOLDS`), so a cart never counts its own hold as taken. Read with the cart; others may buy meanwhile.',
  }),
  status: stringEnum(
    LINE_STOCK_STATUSES,
    `What \`available\` means for the line: \`in_stock\`; \`low\` (enough for the line, but ${LOW_STOCK_AT} or fewer left); \`short\` (some left, fewer than \`quantity\`: lower it); \`sold_out\` (none left: remove the line). Checkout refuses a \`short\` or \`sold_out\` line with 409 \`OUT_OF_STOCK\`.`,
  ),
});

const nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T, description: string) =>
  Type.Union([t, Type.Null()], { description });

export const Cart = component(
  'Cart',
  closed(
    {
      id: nullable(Uuid, 'Null while there is no open cart'),
      store_id: nullable(Uuid, 'The store the cart is at'),
      version: nullable(Type.Integer({ minimum: 1 }), 'Goes up with every change of the cart'),
      currency: nullable(Type.String({ pattern: '^[A-Z]{3}$' }), 'ISO 4217'),
      lines: Type.Array(CartLine),
      totals: closed(priceTotals),
      limits: closed(
        {
          units_per_product: Type.Integer({
            minimum: 1,
            description: 'The most units of one product the cart takes',
          }),
          units_in_all: nullable(
            Type.Integer({ minimum: 1 }),
            'The most units the cart takes in all (null: no bound but each line’s)',
          ),
        },
        'What the cart takes; a change past it is refused with 409 `HOLD_LIMIT` (or 400 past a line’s maximum)',
      ),
      short_product_ids: Type.Array(Uuid, {
        description:
          'The products of the lines checkout would refuse now (status `short` or `sold_out`), as a refused checkout’s `OUT_OF_STOCK` names them in `product_ids`. Empty: every line can be had in its quantity, and the cart is ready to check out as far as stock goes.',
      }),
    },
    "The customer's open cart at current prices (empty when there is none)",
    [
      {
        id: '0190f0c0-5a6b-7c8d-9e0f-1a2b3c4d5e6f',
        store_id: EXAMPLE_ORDER.store_id,
        version: 3,
        currency: 'EUR',
        lines: [
          {
            product_id: '0190f0b1-3d4e-7f50-8a61-7b8c9d0e1f23',
            sku: 'MILK-1L',
            name: 'Milk 1 l',
            unit_price_minor: 500,
            quantity: 2,
            line_total_minor: 1000,
            available: 3,
            status: 'low',
          },
          {
            product_id: '0190f0b1-3d4e-7f50-8a61-7b8c9d0e1f24',
            sku: 'BREAD-500',
            name: 'Rye bread 500 g',
            unit_price_minor: 300,
            quantity: 2,
            line_total_minor: 600,
            available: 1,
            status: 'short',
          },
        ],
        totals: {
          subtotal_minor: 1600,
          delivery_fee_minor: 299,
          small_order_fee_minor: 0,
          service_fee_minor: 80,
          tax_minor: 139,
          total_minor: 2118,
        },
        limits: { units_per_product: 20, units_in_all: 100 },
        short_product_ids: ['0190f0b1-3d4e-7f50-8a61-7b8c9d0e1f24'],
      },
    ],
  ),
);

export const ordersSchemas = [
  OrderStatusField,
  OrderLine,
  OrderTotals,
  PromiseParts,
  OrderPromise,
  Order,
  OrderWithPayment,
  Cart,
];
