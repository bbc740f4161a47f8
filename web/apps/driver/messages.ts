import { shared } from '@web/messages.ts';
import type { ProblemMessages } from '@web/problems.ts';
import type { Schemas } from '@lastmile/client';

// Every word the driver app shows, in English, in one place: messages.de.ts is the same object
// in German (the compiler holds them to the same keys).

type DriverStatus = Schemas['Driver']['status'];
type DeliveryStatus = Schemas['Delivery']['status'];

const problems = {
  ...shared.problems,
  network: 'No connection to lastmile. It is tried again when the network is back.',
  CONFLICT: 'That is no longer possible: the job has moved on.',
  LOCATION_UNKNOWN: 'Your position has not reached lastmile yet. Wait a few seconds and try again.',
  PIN_LOCKED: 'Too many wrong PINs: the handover is locked. Support has been told.',
  PROOF_REQUIRED: 'This handover needs the customer’s PIN.',
} satisfies ProblemMessages;

const driverStatus: Record<DriverStatus, string> = {
  offline: 'Offline',
  available: 'Online, waiting for jobs',
  on_delivery: 'On a job',
  break: 'On a break',
};

const delivery: Record<DeliveryStatus, string> = {
  pending: 'Waiting for a courier',
  assigned: 'On the way to the store',
  at_store: 'At the store',
  picked_up: 'On the way to the customer',
  at_dropoff: 'At the customer',
  delivered: 'Delivered',
  failed: 'Failed',
  returned: 'Returned',
  canceled: 'Canceled',
};

export const messages = {
  locale: 'en',
  appName: 'lastmile driver',
  loading: 'Loading…',
  nav: { shift: 'Shift', trip: 'Job', today: 'Today', signOut: 'Sign out' },
  link: {
    offline: 'You are offline. Positions and steps are kept and sent when you are back.',
    reconnecting: 'Reconnecting…',
  },
  language: shared.language,
  map: shared.map,
  signIn: {
    ...shared.signIn,
    title: 'Sign in to drive',
    wrongRole: 'This app is for drivers; sign in with a driver account.',
    demo: 'Demo: driver@demo.lastmile.dev, password lastmile-demo',
  },
  shift: {
    title: 'Your shift',
    status: 'Status',
    goOnline: 'Go online',
    goBreak: 'Take a break',
    goOffline: 'Go offline',
    onJob: 'You are on a job.',
    openJob: 'Open the job',
    waiting: 'Waiting for a job offer…',
    queued: (n: number) =>
      n === 1 ? '1 position waiting to be sent' : `${n} positions waiting to be sent`,
    noGeo: 'Your position is not available. Allow location access to get jobs.',
  },
  offer: {
    title: 'New job',
    expiresIn: (s: number) => `${s} s to answer`,
    expired: 'This offer has expired.',
    pay: 'Pay',
    toStore: 'To the store',
    toDropoff: (n: number) => `Drop-off ${n}`,
    items: (n: number) => (n === 1 ? '1 item' : `${n} items`),
    accept: 'Accept',
    decline: 'Decline',
    taken: 'Too late: the offer expired or went to someone else.',
  },
  trip: {
    title: 'Your job',
    none: 'No job right now.',
    back: 'Back to your shift',
    store: 'Store',
    dropoff: (n: number) => `Drop-off ${n}`,
    navigate: 'Navigate',
    you: 'You',
    away: (d: string) => `${d} away`,
    notReady: 'The store is still packing this order.',
    arrivedStore: 'Arrived at the store',
    pickedUp: 'Picked up',
    arrivedDropoff: 'Arrived at the customer',
    handover: 'Hand over',
    pin: 'Customer’s PIN',
    sending: 'Sending…',
    queued: 'Saved: it is sent as soon as the connection is back.',
    done: 'Job done. Thank you!',
    tooFar: (m: number, limit: number) =>
      `You are ${m} m from the stop; this step works within ${limit} m. Get closer and try again.`,
    wrongPin: (left: number | null) =>
      `That PIN is not right. Ask the customer again${
        left === null ? '' : left === 1 ? ' (1 try left)' : ` (${left} tries left)`
      }.`,
    ageCheck: 'I checked the customer’s ID: old enough for these items',
    ageRequired: 'These items need an age check: confirm the customer’s age first.',
    notReadyRefused: 'The store has not marked the order ready yet. Wait for the bag.',
  },
  today: {
    title: 'Today',
    earned: 'Earned today',
    deliveries: (n: number) => (n === 1 ? '1 delivery' : `${n} deliveries`),
    none: 'No deliveries yet today.',
    pending: 'not paid yet',
  },
  driverStatus,
  delivery,
  problems,
};

export type Messages = typeof messages;
