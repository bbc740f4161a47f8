import type { Role } from '../../src/platform/auth/principal.ts';
import type { Shop } from './shop.ts';

/*
 * The security sweep's tenants (test/chaos/security.test.ts): two sides that mirror each other,
 * the callers of each, and the kinds of resource the fixture makes on both.
 */

export type Who =
  | 'anonymous'
  | 'customerA'
  | 'customerB'
  | 'driver1'
  | 'driver2'
  | 'storeS'
  | 'storeT'
  | 'partner'
  | 'opsAgent'
  | 'ops';
export type Side = 'A' | 'B';
export type Party = 'customer' | 'driver' | 'store';
export interface Caller {
  who: Who;
  role: Role | null;
  side: Side | null;
  headers: Record<string, string>;
}
/** Two tenants that mirror each other: A's customer orders at store S, driver 1 carries it; B the same with T and driver 2. */
export const SIDES: Record<Side, Record<Party, Who>> = {
  A: { customer: 'customerA', driver: 'driver1', store: 'storeS' },
  B: { customer: 'customerB', driver: 'driver2', store: 'storeT' },
};
export const other = (s: Side): Side => (s === 'A' ? 'B' : 'A');

export type Kind =
  | 'order'
  | 'delivery'
  | 'trip'
  | 'offer'
  | 'store'
  | 'product'
  | 'driver'
  | 'user'
  | 'ticket'
  | 'notification'
  | 'webhook'
  | 'webhookDelivery'
  | 'apiKey'
  | 'deadLetter'
  | 'workflow'
  | 'category'
  | 'substitution'
  | 'address';

export interface Fixture {
  callers: Caller[];
  shops: Record<Side, Shop>;
  ids: Record<Kind, Record<Side, string>>;
  /** Shown once at creation (partner API key, webhook signing secret): never to appear again. */
  secrets: string[];
}
