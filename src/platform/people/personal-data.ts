import type { UserRole } from '../auth/principal.ts';
import type { Db } from '../db/pool.ts';

/** The person an export or an erasure is about: a user account and what links to it. */
export interface Person {
  userId: string;
  role: UserRole;
  driverId: string | null;
  storeId: string | null;
  /** The person's orders as a customer (read from the orders module first): payments are by order. */
  orderIds: readonly string[];
}

/**
 * What one module holds about a person, and how it forgets it. Each module that keeps personal
 * data exports one from its `index.ts` (the statements stay in its repository); the privacy
 * module runs them all, the erasures in one transaction.
 */
export interface PersonalData {
  /** The module's section of the export: the person's rows, JSON-ready, nothing about anyone else. */
  export(person: Person, db: Db): Promise<Record<string, unknown>>;
  /** Throws a 409 AppError while the module still needs the person (an order or a job in flight). */
  refuseIfBusy?(person: Person, db: Db): Promise<void>;
  /**
   * Erases or pseudonymises the person's fields inside the caller's transaction, keeping what the
   * law requires (orders and payments for the accounts); a repeat changes nothing.
   */
  erase?(person: Person, trx: Db): Promise<void>;
}
