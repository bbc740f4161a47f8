import { shared } from '@web/messages.ts';
import type { ProblemMessages } from '@web/problems.ts';
import type { Schemas } from '@lastmile/client';

// Every word the store app shows, in English, in one place: messages.de.ts is the same object
// in German (the compiler holds them to the same keys).

type OrderStatus = Schemas['Order']['status'];
type StoreStatus = Schemas['Store']['status'];
type SubstitutionStatus = Schemas['Substitution']['status'];

const problems = {
  ...shared.problems,
  network: 'No connection to lastmile. Check your network and try again.',
  CONFLICT: 'That is no longer possible: the order or the stock changed meanwhile.',
  OUT_OF_STOCK: 'Not enough of that product in stock.',
  OVER_AUTHORIZED:
    'That would cost more than the customer’s payment covers. Choose a cheaper substitute or fewer units.',
} satisfies ProblemMessages;

const orderStatus: Partial<Record<OrderStatus, string>> = {
  authorized: 'New, waiting for you',
  accepted: 'Accepted',
  preparing: 'Picking',
  ready: 'Ready for the courier',
  picked_up: 'With the courier',
  delivered: 'Delivered',
  canceled: 'Canceled',
  failed: 'Failed',
};

const storeStatus: Record<StoreStatus, string> = {
  open: 'Open',
  paused: 'Paused: not taking orders',
  closed: 'Closed',
};

const substitution: Record<SubstitutionStatus, string> = {
  proposed: 'Waiting for the customer',
  accepted: 'Accepted by the customer',
  declined: 'Declined by the customer',
  expired: 'No answer in time',
};

const days = {
  mon: 'Monday',
  tue: 'Tuesday',
  wed: 'Wednesday',
  thu: 'Thursday',
  fri: 'Friday',
  sat: 'Saturday',
  sun: 'Sunday',
};

export const messages = {
  locale: 'en',
  appName: 'lastmile store',
  loading: 'Loading…',
  nav: { queue: 'Orders', stock: 'Stock', store: 'Store', signOut: 'Sign out' },
  link: { offline: 'You are offline.', reconnecting: 'Reconnecting to the order queue…' },
  language: shared.language,
  signIn: {
    ...shared.signIn,
    title: 'Sign in to your store',
    wrongRole: 'This app is for store staff; sign in with a store account.',
    demo: 'Demo: store@demo.lastmile.dev, password lastmile-demo',
  },
  noStore: 'This account works at no store.',
  queue: {
    title: 'Incoming orders',
    empty: 'No open orders. New paid orders appear here as they come in.',
    newOrder: 'New order',
    newOrderBody: (id: string) => `Order ${id.slice(0, 8)} is paid and waiting for you.`,
    waiting: 'Waiting too long',
    acceptBy: (t: string) => `accept by ${t}`,
    since: (t: string) => `since ${t}`,
    open: 'Open',
    alertsOn: 'Sound and notifications on',
    alertsAsk: 'Turn on sound and notifications',
    alertsDenied: 'Notifications are blocked in this browser; the sound still plays.',
    announced: (n: number) => (n === 1 ? '1 new order' : `${n} new orders`),
  },
  order: {
    title: (id: string) => `Order ${id.slice(0, 8)}`,
    back: 'Back to the queue',
    total: 'Total',
    accept: 'Accept',
    reject: 'Reject',
    reason: 'Reason to reject',
    reasons: ['Too busy right now', 'Items not available', 'Closing soon'],
    startPicking: 'Start picking',
    pickList: 'Pick list',
    product: 'Product',
    ordered: 'Ordered',
    picked: 'Picked',
    short: 'Short',
    missing: 'Missing',
    ready: 'Mark ready',
    done: 'Handed over or closed: nothing more to do here.',
    waitingCourier: 'Ready: the courier picks it up.',
    substituteFor: (name: string) => `Instead of ${name}`,
    substitute: 'Propose a substitute',
    substituteProduct: 'Substitute product',
    substituteQuantity: 'Units of the substitute',
    propose: 'Propose',
    substitutions: 'Substitutes',
  },
  stock: {
    title: 'Stock',
    product: 'Product',
    sku: 'SKU',
    available: 'Available',
    edit: 'Edit',
    editNamed: (name: string) => `Edit ${name}`,
    onHand: 'On hand',
    reason: 'Reason',
    defaultReason: 'counted on the shelf',
    save: 'Save',
    cancel: 'Cancel',
    saved: (n: number) => `Saved: ${n} available.`,
    more: 'Show more',
    importTitle: 'Import stock levels (CSV)',
    importHelp: 'A header row with sku and on_hand, then one product a line: MILK-1,24',
    file: 'CSV file',
    import: 'Import',
    progress: (done: number, all: number) => `Imported ${done} of ${all} lines…`,
    result: (applied: number, failed: number) =>
      `${applied === 1 ? '1 line' : `${applied} lines`} imported, ${failed} with errors.`,
    lineError: (line: number, message: string) => `Line ${line}: ${message}`,
    emptyFile: 'The file has no lines to import.',
  },
  store: {
    title: 'Your store',
    status: 'Status',
    pause: 'Pause orders',
    resume: 'Resume orders',
    close: 'Close the store',
    hours: 'Opening hours',
    hoursHelp: 'Per day, e.g. 08:00-22:00; several ranges with commas; empty is closed.',
    saveHours: 'Save opening hours',
    hoursSaved: 'Opening hours saved.',
    badHours: (day: string) => `${day}: write the hours as 08:00-22:00.`,
    staff: 'Staff',
  },
  days,
  orderStatus,
  storeStatus,
  substitution,
  problems,
};

export type Messages = typeof messages;
