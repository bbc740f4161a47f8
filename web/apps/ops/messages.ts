import { shared } from '@web/messages.ts';
import type { ProblemMessages } from '@web/problems.ts';
import type { Schemas } from '@lastmile/client';

// Every word the ops console shows, in English, in one place: messages.de.ts is the same object
// in German (the compiler holds them to the same keys).

type OrderStatus = Schemas['OpsOrder']['status'];
type OpsLevel = NonNullable<Schemas['AuditEntry']['actor']['level']>;

const problems = {
  ...shared.problems,
  network: 'No connection to lastmile. Check your network and try again.',
  FORBIDDEN: 'This account may not use the ops console.',
  OPS_ADMIN_REQUIRED: 'Only an ops admin may do that.',
} satisfies ProblemMessages;

const orderStatus: Record<OrderStatus, string> = {
  placed: 'Placed',
  payment_failed: 'Payment failed',
  authorizing: 'Authorizing payment',
  authorized: 'Paid, waiting for the store',
  accepted: 'Accepted by the store',
  preparing: 'Being picked',
  ready: 'Ready for pickup',
  picked_up: 'With the driver',
  delivered: 'Delivered',
  canceled: 'Canceled',
  failed: 'Failed',
};

const level: Record<OpsLevel, string> = { agent: 'ops agent', admin: 'ops admin' };

export const messages = {
  locale: 'en',
  appName: 'lastmile ops',
  loading: 'Loading…',
  nav: { orders: 'Orders', audit: 'Audit log', signOut: 'Sign out' },
  language: shared.language,
  signIn: {
    ...shared.signIn,
    title: 'Sign in to the ops console',
    wrongRole: 'The console is for lastmile operations; sign in with an ops account.',
    demo: 'Demo: ops@demo.lastmile.dev (admin) or agent@demo.lastmile.dev (agent), password lastmile-demo',
  },
  signedInAs: (name: string, lvl: string) => `Signed in: ${name}, ${lvl}`,
  level,
  orders: {
    title: 'Orders',
    search: 'Search',
    clear: 'Clear',
    id: 'Order id or its first characters',
    customer: 'Customer email or account id',
    store: 'Store id',
    driver: 'Driver id',
    status: 'Status',
    anyStatus: 'Any status',
    placedFrom: 'Placed from',
    placedTo: 'Placed before',
    results: 'Orders found',
    none: 'No order matches all of that.',
    more: 'Show more',
    order: 'Order',
    placed: 'Placed',
    store_: 'Store',
    customer_: 'Customer',
    driver_: 'Driver',
    total: 'Total',
    promise: 'Promised',
    late: 'Late',
    noDriver: 'none yet',
    gone: 'gone',
    ordersOf: (what: string) => `Orders of ${what}`,
    open: (id: string) => `Timeline of order ${id}`,
  },
  timeline: {
    title: (id: string) => `Order ${id.slice(0, 8)}`,
    back: 'Back to the search',
    what: 'What happened, oldest first',
    sources: 'Show',
    all: 'Everything',
    empty: 'Nothing recorded for this order.',
    gap: (source: string) => `${source} has more than it may show here: the earliest are shown.`,
    gapError: (source: string) => `${source} could not be read just now; reload to try again.`,
    details: 'Details',
  },
  audit: {
    title: 'Audit log',
    intro: 'Every action taken through ops routes: who, when, why, and what it changed.',
    action: 'Action',
    actor: 'Who (account id)',
    targetType: 'Target type',
    targetId: 'Target id',
    from: 'From',
    to: 'Before',
    filter: 'Filter',
    clear: 'Clear',
    csv: 'Download as CSV',
    csvBusy: 'Preparing the CSV…',
    none: 'No entry matches.',
    more: 'Show more',
    why: 'Why',
    target: 'Target',
    change: 'Change',
    before: 'Before',
    after: 'After',
    nothing: 'nothing',
  },
  orderStatus,
  problems,
};

export type Messages = typeof messages;
