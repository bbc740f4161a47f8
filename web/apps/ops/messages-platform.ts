import type { Schemas } from '@lastmile/client';

// The words of the console's platform screens (health, settings), part of messages.ts (which
// spreads them in); messages-platform.de.ts is the same in German.

type Algorithm = 'sliding_window' | 'token_bucket';
type TicketStatus = Schemas['Ticket']['status'];
type StoreStatus = Schemas['Store']['status'];
type Opener = Schemas['Ticket']['opener_role'];

export const health = {
  title: 'Platform health',
  intro: (instance: string, process: string) =>
    `As the process ${instance} (${process.slice(0, 8)}) sees it, read again every 10 seconds. The traffic is this process's own; another process keeps its own numbers.`,
  status: { ok: 'Everything answers', degraded: 'Something is wrong' },
  at: 'Read',
  roles: 'Roles',
  modules: 'Modules',
  module: 'Module',
  state: 'State',
  moduleStates: { starting: 'starting', running: 'running', stopping: 'stopping' } as Record<
    string,
    string
  >,
  dependencies: 'Dependencies',
  dependency: 'Dependency',
  kind: 'Runs as',
  answers: 'Answers',
  latency: 'Ping',
  yes: 'yes',
  no: 'no',
  queues: 'Queues',
  queue: 'Queue',
  owner: 'Kept by',
  depth: 'Waiting',
  atLeast: (n: number) => `at least ${n}`,
  oldest: 'Oldest',
  unreadable: 'could not be read',
  consumers: 'Bus consumers',
  consumersFrom: (source: string) => `Consumer lag as ${source} reports it`,
  noConsumers: 'No consumer is subscribed.',
  consumer: 'Consumer',
  stream: 'Stream',
  pending: 'Waiting',
  inFlight: 'Being handled',
  redelivered: 'Retried',
  traffic: 'Traffic in the last hour',
  route: 'Route',
  allRoutes: 'All routes',
  requests: 'Requests per minute',
  errors: 'Errors per minute (4xx and 5xx)',
  p99: 'p99 latency per minute',
  chartOf: (what: string, max: string, last: string) => `${what}: up to ${max}, now ${last}`,
  p99Column: 'p99 latency',
  slowest: 'Slowest routes (p99 over the hour)',
  noTraffic: 'No requests in the last hour.',
  count: 'Requests',
  errors4xx: '4xx',
  errors5xx: '5xx',
  rateLimited: 'Rate-limit refusals by budget and tier',
  noRefusals: 'Nothing refused in the last hour.',
  policy: 'Budget',
  tier: 'Tier',
  refusals: 'Refused',
  none: 'none',
};

const algorithms: Record<Algorithm, string> = {
  sliding_window: 'Requests per window',
  token_bucket: 'Bursts, then a steady rate',
};

const ticketStatus: Record<TicketStatus, string> = {
  open: 'Open',
  escalated: 'Escalated',
  resolved: 'Resolved',
};

const openers: Record<Opener, string> = {
  customer: 'Customer',
  driver: 'Driver',
  store: 'Store',
  ops: 'Ops',
  system: 'lastmile itself',
};

const storeStatus: Record<StoreStatus, string> = {
  open: 'Open',
  paused: 'Paused',
  closed: 'Closed',
};

export const settings = {
  title: 'Settings',
  intro:
    'What lastmile does, changed while it runs: each change is in force everywhere within seconds and kept in the audit log with its reason.',
  readOnly:
    'You see the settings as an ops agent: only an ops admin may change them, so the buttons to save are off.',
  sectionsLabel: 'Sections',
  sections: {
    rateLimits: 'Rate limits',
    dispatchWeights: 'Dispatch weights',
    cartHolds: 'Cart holds',
    storePause: 'Store pause',
    supportQueue: 'Support queue',
  },
  save: 'Save',
  saveReason: (what: string) => `Why change ${what}`,
  saved: (version: number) => `Saved: version ${version} is in force.`,
  conflict:
    'Someone changed this meanwhile. It has been read again: check the values and save again.',
  refused: (field: string, why: string) => `${field}: the API refused this value (${why}).`,
  defaultIs: (v: string) => `default ${v}`,
  changedBy: (at: string) => `Changed by ops, ${at}`,
  asConfigured: 'As configured (nothing changed by ops)',
  weights: {
    intro:
      'How the scored dispatch ranks the drivers it offers a trip to: each weight multiplies a part of the score (lower scores are offered first).',
    travel: 'Travel time to the door',
    acceptance: 'Refused offers',
    vehicle: 'Vehicle larger than needed',
    fairness: 'Little wait since the last job',
  },
  holds: {
    intro:
      "How much stock one customer's cart may hold, and for how long (only while cart holds are on).",
    max_units: 'Units of one product',
    max_total: 'Units in all',
    max_age_s: 'Longest hold, in seconds',
  },
  rateLimits: {
    intro:
      'The budget of each tier, and of the routes that have their own. The next request is counted under what is saved.',
    off: 'Rate limits are off in this installation (LASTMILE_RATE_LIMITS=off): what is saved here waits until they are on.',
    source: (s: string) => `In force: ${s}`,
    kind: 'Kind',
    values: 'Numbers',
    tiers: 'Tiers',
    routes: 'Routes with a budget of their own',
    rolesOn: 'Roles on each tier',
    unlimited: 'unlimited',
    algorithms,
    limit: 'Requests',
    window: 'Window (seconds)',
    capacity: 'Burst',
    refill: 'Per second after it',
    anyTier: 'every other tier',
    ruleOf: (budget: string, tier: string, field: string) => `${budget}, ${tier}: ${field}`,
  },
  stores: {
    intro: 'A paused store takes no orders until it is resumed; its staff may pause it too.',
    store: 'Store',
    status: 'Status',
    storeStatus,
    pick: 'Store to pause or resume',
    pause: 'Pause',
    resume: 'Resume',
    reasonPause: (name: string) => `Why pause ${name}`,
    reasonResume: (name: string) => `Why resume ${name}`,
    closedNote: 'A closed store is reopened with the store itself, not here.',
    none: 'No store yet.',
    more: 'Show more',
  },
  tickets: {
    intro: 'Tickets nobody has resolved, the longest waiting first.',
    none: 'No ticket is waiting.',
    subject: 'Subject',
    from: 'From',
    opened: 'Opened',
    status: 'Status',
    order: 'Order',
    noOrder: 'none',
    timeline: (id: string) => `Timeline of order ${id.slice(0, 8)}`,
    ticketStatus,
    openers,
    more: 'Show more',
  },
};
