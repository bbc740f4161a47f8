import type { ProductRow } from './products.repository.ts';

type ProductCore = Omit<ProductRow, 'search_text' | 'updated_at' | 'category_path'> & {
  category_path?: string[];
};

/** A product as the API answers it (its price as amount and currency). */
export const productView = (p: ProductCore) => ({
  id: p.id,
  sku: p.sku,
  name: p.name,
  brand: p.brand,
  category_id: p.category_id,
  price: { amount_minor: p.price_minor, currency: p.currency },
  image_url: p.image_url,
  weight_g: p.weight_g,
  age_restricted: p.age_restricted,
  version: p.version,
});

/** What the cart and checkout price a line with: the current row, never the client's figures. */
export const priceView = (r: ProductRow) => ({
  id: r.id,
  sku: r.sku,
  name: r.name,
  price_minor: r.price_minor,
  currency: r.currency,
  age_restricted: r.age_restricted,
});
