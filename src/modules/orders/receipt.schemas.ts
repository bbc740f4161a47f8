import { type TProperties, Type } from '@sinclair/typebox';
import { component, ref } from '../../platform/http/contract.ts';
import { DateTime, Uuid } from '../../platform/http/typed.ts';
import { Refund } from '../payments/index.ts';
import { OrderStatusField } from './orders.schemas.ts';

/** The receipt of an order (GET /v1/orders/{id}/receipt), a named component of the document. */

const Minor = (description?: string) =>
  Type.Integer({ minimum: 0, ...(description ? { description } : {}) });
const orNull = <T extends ReturnType<typeof Minor> | typeof DateTime>(s: T, description: string) =>
  Type.Union([s, Type.Null()], { description });
const closed = (props: TProperties, description?: string) =>
  Type.Object(props, { additionalProperties: false, ...(description ? { description } : {}) });

const Totals = (description: string) =>
  closed(
    {
      subtotal_minor: Minor('The goods'),
      delivery_fee_minor: Minor(),
      small_order_fee_minor: Minor('Tops a small basket up to the minimum'),
      service_fee_minor: Minor(),
      tax_minor: Minor('Sales tax on goods and fees'),
      total_minor: Minor(),
    },
    description,
  );

const ReceiptLine = closed({
  product_id: Uuid,
  sku: Type.String(),
  name: Type.String(),
  unit_price_minor: Minor('The price at checkout'),
  ordered_quantity: Type.Integer({ minimum: 1 }),
  delivered_quantity: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
    description: 'What the store packed; null until it did (then the ordered quantity is charged)',
  }),
  line_total_minor: Minor('`unit_price_minor` × the delivered quantity (ordered until packed)'),
});

const EXAMPLE = {
  order_id: '0190f0c2-6a2e-7b61-9d8e-3f3a1f6f2a10',
  status: 'delivered',
  final: true,
  currency: 'EUR',
  store: {
    id: '0190f0b0-1c4d-7a2e-8f10-5b6c7d8e9f01',
    name: 'Corner Market Mitte',
    address: 'Torstraße 12, Berlin',
  },
  lines: [
    {
      product_id: '0190f0b1-3d4e-7f50-8a61-7b8c9d0e1f23',
      sku: 'MILK-1L',
      name: 'Milk 1 l',
      unit_price_minor: 500,
      ordered_quantity: 2,
      delivered_quantity: 1,
      line_total_minor: 500,
    },
  ],
  ordered: {
    subtotal_minor: 1000,
    delivery_fee_minor: 299,
    small_order_fee_minor: 300,
    service_fee_minor: 50,
    tax_minor: 115,
    total_minor: 1764,
  },
  delivered: {
    subtotal_minor: 500,
    delivery_fee_minor: 299,
    small_order_fee_minor: 300,
    service_fee_minor: 49,
    tax_minor: 80,
    total_minor: 1228,
  },
  payment: {
    method: { provider: 'fakepay', brand: 'visa', last4: '4242' },
    status: 'partially_refunded',
    authorized_minor: 1764,
    captured_minor: 1228,
    refunded_minor: 249,
    net_paid_minor: 979,
  },
  refunds: [
    {
      id: '0190f0c2-9c01-7d20-8a11-3b6f3c9a0d07',
      order_id: '0190f0c2-6a2e-7b61-9d8e-3f3a1f6f2a10',
      amount_minor: 249,
      currency: 'EUR',
      reason: 'Yoghurt arrived broken',
      status: 'succeeded',
      created_at: '2026-12-06T19:02:11.000Z',
      settled_at: '2026-12-06T19:02:11.000Z',
    },
  ],
  placed_at: '2026-12-06T17:55:02.114Z',
  delivered_at: '2026-12-06T18:31:40.020Z',
  captured_at: '2026-12-06T18:31:41.310Z',
};

export const Receipt = component(
  'Receipt',
  Type.Object(
    {
      order_id: Uuid,
      status: ref(OrderStatusField),
      final: Type.Boolean({
        description:
          'false: provisional (nothing charged yet; the amounts are what is authorized and may still go down with a short pick). true: the charge is settled (captured on delivery, or released when the order ended without one); refunds may still be added',
      }),
      currency: Type.String({ pattern: '^[A-Z]{3}$', description: 'ISO 4217' }),
      store: closed({ id: Uuid, name: Type.String(), address: Type.String() }),
      lines: Type.Array(ReceiptLine),
      ordered: Totals('As checked out: what the card was authorized for'),
      delivered: Type.Union(
        [Totals('The packed goods priced again: what is charged'), Type.Null()],
        {
          description:
            'The packed goods priced again (what is charged); null until the store packed',
        },
      ),
      payment: closed({
        method: Type.Union(
          [
            closed({
              provider: Type.String({ description: 'e.g. `fakepay`' }),
              brand: Type.Union([Type.String(), Type.Null()], { description: 'e.g. `visa`' }),
              last4: Type.Union([Type.String({ pattern: '^\\d{4}$' }), Type.Null()]),
            }),
            Type.Null(),
          ],
          { description: 'The card, masked; null while no payment was made' },
        ),
        status: Type.Union([Type.String(), Type.Null()], {
          description: "The payment's status (see Payment); null while none was made",
        }),
        authorized_minor: Minor('Authorized at checkout (0 if the card was declined)'),
        captured_minor: orNull(Minor(), 'Charged; null until the charge is settled'),
        refunded_minor: Minor('Given back (succeeded refunds)'),
        net_paid_minor: orNull(Minor(), 'Charged less given back; null until settled'),
      }),
      refunds: Type.Array(ref(Refund), {
        description: 'Oldest first, pending and failed ones too',
      }),
      placed_at: DateTime,
      delivered_at: orNull(DateTime, 'null until delivered'),
      captured_at: orNull(DateTime, 'null until charged'),
    },
    {
      additionalProperties: false,
      description:
        "An order's receipt: the store, the lines as ordered and as delivered, fees, tax, what was authorized, charged and refunded, and the card",
      examples: [EXAMPLE],
    },
  ),
);
