/**
 * What needs a person now, for the ops console's "late and stuck" list (`GET /v1/ops/attention`).
 * Each module says what of its own is late or stuck through its sources
 * (`ModuleDefinition.attention`), reading only its own tables (or the workflow engine's API); the
 * ops console runs them all, adds the actions each item's state allows and pages the whole list,
 * most overdue first. A module added later declares its kinds in its definition and nothing else
 * changes.
 */

/** The kinds of item; each is contributed by the module that owns what it is about. */
export const ATTENTION_KINDS = [
  'order_late',
  'workflow_stuck',
  'offer_untaken',
  'position_silent',
] as const;
export type AttentionKind = (typeof ATTENTION_KINDS)[number];

/** What ops can do about an item, each through the owning module's route. */
export const ATTENTION_ACTIONS = [
  'reassign',
  'cancel_refund',
  'retry_step',
  'extend_deadline',
  'mark_delivered',
] as const;
export type AttentionAction = (typeof ATTENTION_ACTIONS)[number];

/** One thing needing a person, as its source tells it. */
export interface AttentionItem {
  kind: AttentionKind;
  /** Unique within the kind (the order, the workflow, the trip, the delivery): the page's tie-break. */
  key: string;
  order_id: string;
  trip_id?: string;
  store_id: string;
  /** When it became late or stuck (the deadline or threshold it passed). */
  since: Date;
  /** One line for a person. */
  summary: string;
  /** The facts behind it (statuses, deadlines, counts, the workflow's id and error). */
  detail: Record<string, unknown>;
  /**
   * Actions only this source can judge (a workflow's retry). The console adds the ones that
   * follow from the order's and its delivery's state.
   */
  actions?: readonly AttentionAction[];
}

export interface AttentionQuery {
  /** The clock's now: what "past" means. */
  now: Date;
  storeId?: string | undefined;
  /** The most items a source returns, most overdue first; one that has more returns `limit + 1`. */
  limit: number;
}

/** What one module contributes to the list: the items of one kind. */
export interface AttentionSource {
  kind: AttentionKind;
  items(q: AttentionQuery): Promise<AttentionItem[]>;
}
