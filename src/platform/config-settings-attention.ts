import { whole } from './config-schema.ts';

/** When something counts as late or stuck in the ops console's attention list (`GET /v1/ops/attention`). */
export const ATTENTION_SETTINGS = {
  opsLateAcceptS: whole({
    env: 'LASTMILE_OPS_LATE_ACCEPT_S',
    description:
      'Seconds a paid order may wait for its store to accept before ops see it as late (the deadline sweep cancels it at LASTMILE_ACCEPT_TIMEOUT_S)',
    default: 120,
    minimum: 1,
    maximum: 86_400,
  }),
  opsLateReadyS: whole({
    env: 'LASTMILE_OPS_LATE_READY_S',
    description: 'Seconds a ready order may wait for its courier before ops see it as late',
    default: 600,
    minimum: 1,
    maximum: 86_400,
  }),
  opsWorkflowStuckS: whole({
    env: 'LASTMILE_OPS_WORKFLOW_STUCK_S',
    description:
      "Seconds an order saga's workflow may stay pending or enqueued before ops see it as stuck (one in error is stuck at once)",
    default: 300,
    minimum: 1,
    maximum: 86_400,
  }),
  opsOfferUntakenS: whole({
    env: 'LASTMILE_OPS_OFFER_UNTAKEN_S',
    description:
      'Seconds past its dispatch time a trip may wait for a driver before ops see it as untaken',
    default: 300,
    minimum: 1,
    maximum: 86_400,
  }),
  opsOfferUntakenOffers: whole({
    env: 'LASTMILE_OPS_OFFER_UNTAKEN_OFFERS',
    description:
      'Offers of a trip declined, expired or withdrawn (without a driver taking it) before ops see it as untaken',
    default: 6,
    minimum: 1,
    maximum: 1000,
  }),
  opsPositionSilentS: whole({
    env: 'LASTMILE_OPS_POSITION_SILENT_S',
    description:
      'Seconds without a position from the driver of a delivery under way before ops see it as silent',
    default: 300,
    minimum: 1,
    maximum: 86_400,
  }),
  opsDeadlineExtendMaxMin: whole({
    env: 'LASTMILE_OPS_DEADLINE_EXTEND_MAX_MIN',
    description:
      "Most minutes one ops extension may add to an order's phase deadline (`POST /v1/orders/{id}/deadline`)",
    default: 60,
    minimum: 1,
    maximum: 1440,
  }),
};

/** The thresholds as the modules read them (`config.attention`). */
export interface AttentionSettings {
  lateAcceptS: number;
  lateReadyS: number;
  workflowStuckS: number;
  offerUntakenS: number;
  offerUntakenOffers: number;
  positionSilentS: number;
  deadlineExtendMaxMin: number;
}

export const attentionSettings = (s: {
  opsLateAcceptS: number;
  opsLateReadyS: number;
  opsWorkflowStuckS: number;
  opsOfferUntakenS: number;
  opsOfferUntakenOffers: number;
  opsPositionSilentS: number;
  opsDeadlineExtendMaxMin: number;
}): AttentionSettings => ({
  lateAcceptS: s.opsLateAcceptS,
  lateReadyS: s.opsLateReadyS,
  workflowStuckS: s.opsWorkflowStuckS,
  offerUntakenS: s.opsOfferUntakenS,
  offerUntakenOffers: s.opsOfferUntakenOffers,
  positionSilentS: s.opsPositionSilentS,
  deadlineExtendMaxMin: s.opsDeadlineExtendMaxMin,
});
