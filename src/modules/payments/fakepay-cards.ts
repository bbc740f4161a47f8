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

/** How long the slow test card takes to answer (the provider can be given a shorter one). */
export const SLOW_CARD_DELAY_MS = 3000;

const declined = (card: Card) => `declined with \`${DECLINES[card]}\``;

/** What the provider does with each card, for the API document (every card must say). */
const CARD_EFFECTS: Readonly<Record<Card, string>> = {
  visa: 'authorized at once',
  decline: declined('decline'),
  insufficient: declined('insufficient'),
  slow: `authorized, but the provider answers only after ${SLOW_CARD_DELAY_MS / 1000} s`,
  netfail:
    'authorized, but the answer is lost on the way back (connection reset); the order is settled in the background under the same provider key, never charged twice',
  unknown: declined('unknown'),
};

/** The test card tokens a client can send as `card_token`, in the table's order. */
export const TEST_CARD_TOKENS: readonly string[] = Object.keys(TEST_CARDS).filter((k) =>
  k.startsWith('tok_'),
);

/** The test cards as a Markdown list, written from the card table so the document cannot drift. */
export function testCardsDoc(): string {
  const numberOf = (card: Card) =>
    Object.keys(TEST_CARDS).find((k) => !k.startsWith('tok_') && TEST_CARDS[k] === card);
  const rows = TEST_CARD_TOKENS.map((token) => {
    const card = TEST_CARDS[token] as Card;
    const number = numberOf(card);
    return `- \`${token}\`${number ? ` (test card ${number})` : ''}: ${CARD_EFFECTS[card]}`;
  });
  return [
    'Test cards of the built-in fake payment provider (send the token as `payment.card_token`):',
    ...rows,
    `- any other token: ${CARD_EFFECTS.unknown}`,
  ].join('\n');
}
