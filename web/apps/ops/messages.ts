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

type ReplayOutcome = Schemas['DeadLetterReplayResults']['items'][number]['outcome'];
type DeliveryStatus = Schemas['WebhookDelivery']['status'];

const outcomes: Record<ReplayOutcome, string> = {
  requested: 'marked for replay',
  already_requested: 'was marked already',
  already_replayed: 'was replayed already',
  discarded: 'is discarded',
  not_found: 'does not exist',
};

const statuses: Record<DeliveryStatus, string> = {
  pending: 'On its way',
  delivered: 'Delivered',
  dead: 'Failed',
};

const level: Record<OpsLevel, string> = { agent: 'ops agent', admin: 'ops admin' };

export const messages = {
  locale: 'en',
  appName: 'lastmile ops',
  loading: 'Loading…',
  nav: {
    orders: 'Orders',
    deadLetters: 'Dead letters',
    webhooks: 'Webhooks',
    audit: 'Audit log',
    signOut: 'Sign out',
  },
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
  reason: {
    hint: (n: number) => `Why (at least ${n} characters): kept in the audit log.`,
    busy: 'Sending…',
  },
  deadLetters: {
    title: 'Dead letters',
    intro:
      'Events a consumer gave up on after its retries. Fix the cause, then replay them, or discard those that should never arrive.',
    consumer: 'Consumer',
    show: 'Show',
    pendingOnly: 'Waiting (neither replayed nor discarded)',
    all: 'All',
    filter: 'Filter',
    none: 'No dead letter here.',
    more: 'Show more',
    id: 'Id',
    event: 'Event',
    attempts: 'Attempts',
    created: 'Given up',
    state: 'State and error',
    details: 'Details',
    selected: 'Selected',
    select: (id: number) => `Select dead letter ${id}`,
    inspect: (id: number) => `Inspect dead letter ${id}`,
    close: (id: number) => `Close dead letter ${id}`,
    open: 'Inspect',
    hide: 'Close',
    states: {
      pending: 'Waiting',
      requested: 'Replay asked',
      replayed: 'Replayed',
      discarded: 'Discarded',
    },
    settled: {
      replayed: 'Replayed: its consumer has it.',
      discarded: 'Discarded: it will never be replayed.',
    },
    typeVersion: (type: string, v: number) => `${type}, version ${v}`,
    eventId: 'Event id',
    aggregate: 'About',
    occurred: 'Happened',
    none_: 'nothing',
    error: 'Error',
    payload: 'Payload',
    replay: 'Replay',
    replayReason: 'Why replay it',
    discard: 'Discard',
    discardReason: 'Why discard it',
    replaySelected: 'Replay selected',
    replaySelectedReason: (n: number) =>
      n === 1 ? 'Why replay the selected dead letter' : `Why replay the ${n} selected dead letters`,
    outcome: (id: number, what: string) => `Dead letter ${id}: ${what}`,
    outcomes,
  },
  webhooks: {
    title: 'Webhooks',
    intro:
      "Partners' endpoints and what was sent to each; a delivery that failed every attempt can be sent again.",
    none: 'No webhook endpoint yet.',
    more: 'Show more',
    partner: 'Partner',
    url: 'Address',
    events: 'Events',
    state: 'State',
    active: 'Active',
    stopped: 'Stopped',
    created: 'Since',
    history: 'Delivery history',
    historyOf: (partner: string, url: string) => `Delivery history of ${partner} (${url})`,
    deliveries: 'Delivery history, newest first',
    noDeliveries: 'Nothing sent to this endpoint yet.',
    attempts: 'Attempts',
    responseCode: 'Response code',
    noResponse: 'none',
    lastError: 'Last error',
    deliveredAt: 'Delivered',
    statuses,
    resend: 'Send again',
    resendReason: (event: string) => `Why send ${event} again`,
  },
  orderStatus,
  problems,
};

export type Messages = typeof messages;
