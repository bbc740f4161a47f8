import type { DeclineReason } from './payment-provider.ts';

export type Card = 'visa' | 'decline' | 'insufficient' | 'slow' | 'netfail' | 'unknown';

/** Test cards, by token or by test card number (the numbers Stripe documents for the same cases). */
export const TEST_CARDS: Readonly<Record<string, Card>> = {
  tok_visa: 'visa',
  '4242424242424242': 'visa',
  tok_decline: 'decline',
  '4000000000000002': 'decline',
  tok_insufficient: 'insufficient',
  '4000000000009995': 'insufficient',
  tok_slow: 'slow',
  '4000000000000077': 'slow',
  tok_netfail: 'netfail',
  '4000000000000119': 'netfail',
};

/** The cards the provider declines, and why. */
export const DECLINES: Partial<Record<Card, DeclineReason>> = {
  decline: 'card_declined',
  insufficient: 'insufficient_funds',
  unknown: 'card_declined',
};
