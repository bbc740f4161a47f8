import { whole } from './config-schema.ts';

/**
 * How long each growing table keeps its rows (ARCHITECTURE.md, Data retention). The worker role
 * enforces them: whole day partitions dropped for the location history, batched deletes elsewhere.
 */
export const RETENTION_SETTINGS = {
  locationRetentionDays: whole({
    env: 'LASTMILE_LOCATION_RETENTION_DAYS',
    description:
      "Days of driver location history kept: a day's partition is dropped once all of it is older",
    default: 7,
    minimum: 1,
    maximum: 3650,
  }),
  // The bus keeps an unacknowledged event up to 7 days (JetStream max age): an inbox row must
  // outlive any redelivery of its event, so it is kept at least that long.
  inboxRetentionDays: whole({
    env: 'LASTMILE_INBOX_RETENTION_DAYS',
    description:
      "Days an event's inbox row (what makes a redelivery change nothing) is kept; at least the bus's 7-day redelivery horizon",
    default: 7,
    minimum: 7,
    maximum: 365,
  }),
  // A process with the in-process bus re-opens the last 10 minutes of published rows at start.
  outboxRetentionHours: whole({
    env: 'LASTMILE_OUTBOX_RETENTION_HOURS',
    description: 'Hours a published outbox row is kept for inspection (unpublished rows are kept)',
    default: 24,
    minimum: 1,
    maximum: 24 * 90,
  }),
  trackingRetentionDays: whole({
    env: 'LASTMILE_TRACKING_RETENTION_DAYS',
    description:
      "Days after an order's tracking ended that its message log is kept (the order's last state stays)",
    default: 7,
    minimum: 1,
    maximum: 3650,
  }),
  webhookRetentionDays: whole({
    env: 'LASTMILE_WEBHOOK_RETENTION_DAYS',
    description:
      'Days delivered and dead partner webhook deliveries are kept (pending ones are kept)',
    default: 30,
    minimum: 1,
    maximum: 3650,
  }),
  // A workflow id doubles as the dedupe key of the event that starts it: kept past the bus's horizon.
  workflowRetentionDays: whole({
    env: 'LASTMILE_WORKFLOW_RETENTION_DAYS',
    description:
      'Days a succeeded or canceled durable workflow (schema dbos) is kept; a failed one waits for an operator',
    default: 30,
    minimum: 7,
    maximum: 3650,
  }),
  deadLetterRetentionDays: whole({
    env: 'LASTMILE_DEAD_LETTER_RETENTION_DAYS',
    description:
      'Days a replayed or discarded dead letter is kept (one still waiting waits for an operator)',
    default: 30,
    minimum: 1,
    maximum: 3650,
  }),
};

/** How long each growing table keeps its rows (the worker role prunes them; `config.retention`). */
export interface RetentionSettings {
  locationDays: number;
  inboxDays: number;
  outboxHours: number;
  trackingDays: number;
  webhookDays: number;
  deadLetterDays: number;
  workflowDays: number;
}

export const retentionSettings = (s: {
  locationRetentionDays: number;
  inboxRetentionDays: number;
  outboxRetentionHours: number;
  trackingRetentionDays: number;
  webhookRetentionDays: number;
  deadLetterRetentionDays: number;
  workflowRetentionDays: number;
}): RetentionSettings => ({
  locationDays: s.locationRetentionDays,
  inboxDays: s.inboxRetentionDays,
  outboxHours: s.outboxRetentionHours,
  trackingDays: s.trackingRetentionDays,
  webhookDays: s.webhookRetentionDays,
  deadLetterDays: s.deadLetterRetentionDays,
  workflowDays: s.workflowRetentionDays,
});
