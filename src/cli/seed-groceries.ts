import { readFileSync } from 'node:fs';
import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/**
 * The grocery assortment the generator draws from, kept as data in seed-groceries.json: a
 * category tree (12 aisles, 64 shelves) and per shelf the words a product name is made of. Prices
 * are EUR list prices in cents; each city scales them by its price level. The file is checked
 * against this schema when it is loaded, so a bad edit stops the seed with the path that is wrong.
 */
const Range = Type.Tuple([Type.Number(), Type.Number()]);
const ShelfSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  /** Product nouns on this shelf. */
  nouns: Type.Array(Type.String(), { minItems: 1 }),
  sizes: Type.Array(Type.String(), { minItems: 1 }),
  priceCents: Range,
  weightG: Range,
  /** How many SKUs this shelf gets relative to the others. */
  share: Type.Number({ exclusiveMinimum: 0 }),
  ageRestricted: Type.Optional(Type.Boolean()),
});
const AisleSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  brands: Type.Array(Type.String(), { minItems: 1 }),
  /** Words put in front of a product noun ("Organic Whole Milk"); '' keeps the plain noun. */
  modifiers: Type.Array(Type.String(), { minItems: 1 }),
  shelves: Type.Array(ShelfSchema, { minItems: 1 }),
});
const GroceriesSchema = Type.Object({
  aisles: Type.Array(AisleSchema, { minItems: 1 }),
  /** Words shoppers type: used by the search benchmark. */
  common_search_words: Type.Array(Type.String()),
});

export type Shelf = Static<typeof ShelfSchema>;
export type Aisle = Static<typeof AisleSchema>;

function loadGroceries(): Static<typeof GroceriesSchema> {
  const file = new URL('./seed-groceries.json', import.meta.url);
  const data: unknown = JSON.parse(readFileSync(file, 'utf8'));
  const error = Value.Errors(GroceriesSchema, data).First();
  if (error) throw new Error(`${file.pathname}: ${error.path || '/'}: ${error.message}`);
  return data as Static<typeof GroceriesSchema>;
}

const GROCERIES = loadGroceries();

export const AISLES: readonly Aisle[] = GROCERIES.aisles;

/** Words shoppers type: used by the search benchmark. */
export const COMMON_SEARCH_WORDS: readonly string[] = GROCERIES.common_search_words;

export interface CategorySeed {
  id: string;
  name: string;
  parent_id: string | null;
}

/** The tree flattened, parents before children. */
export function categorySeeds(): CategorySeed[] {
  return AISLES.flatMap((a) => [
    { id: a.id, name: a.name, parent_id: null },
    ...a.shelves.map((s) => ({ id: s.id, name: s.name, parent_id: a.id })),
  ]);
}
