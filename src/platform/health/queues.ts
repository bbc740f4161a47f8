/** How much waits in one queue: counted up to a cap (a backlog of millions is not counted). */
export interface QueueDepth {
  depth: number;
  /** More than `depth` wait: the count stopped at its cap. */
  capped: boolean;
  /** When the oldest waiting item was made; null when none waits. */
  oldestAt: Date | null;
}

/**
 * One queue the ops health screen shows: the platform's own (outbox, dead letters, workflows) and
 * each module's (`ModuleDefinition.queues`: its own tables only).
 */
export interface QueueProbe {
  /** snake_case, unique: `webhook_deliveries_due`. */
  name: string;
  /** `platform` or the module's name. */
  owner: string;
  description: string;
  depth(): Promise<QueueDepth>;
}

/** Rows counted at most per queue in Postgres; workflows are listed by the engine, so fewer. */
export const QUEUE_COUNT_CAP = 10_000;
export const WORKFLOW_COUNT_CAP = 1_000;

/** A count of at most `cap + 1` rows read back as a depth. */
export const depthOf = (n: number, cap: number, oldestAt: Date | null): QueueDepth => ({
  depth: Math.min(n, cap),
  capped: n > cap,
  oldestAt,
});
