import { TEST_CARDS } from './fakepay-cards.ts';

/** A card as a receipt may show it: never more than the brand and the last four digits. */
export interface CardDescription {
  brand: string | null;
  last4: string | null;
}

/** Brands by the card number's first digits (the issuer identification number). */
const BRANDS: ReadonlyArray<readonly [RegExp, string]> = [
  [/^4/, 'visa'],
  [/^(5[1-5]|2(2[2-9]|[3-6]\d|7[01]|720))/, 'mastercard'],
  [/^3[47]/, 'amex'],
];

const describeNumber = (n: string): CardDescription => ({
  brand: BRANDS.find(([re]) => re.test(n))?.[1] ?? null,
  last4: n.slice(-4),
});

/**
 * What the payments module knows of the card an order was paid with, from the token checkout
 * sent as `card_token`: the provider's test tokens each stand for a documented test card number
 * (`tok_visa` is 4242…4242). A token the provider does not document is described as nothing.
 */
export function describeCard(token: string): CardDescription {
  const card = TEST_CARDS[token];
  const number = card
    ? Object.keys(TEST_CARDS).find((k) => /^\d+$/.test(k) && TEST_CARDS[k] === card)
    : undefined;
  return number ? describeNumber(number) : { brand: null, last4: null };
}
