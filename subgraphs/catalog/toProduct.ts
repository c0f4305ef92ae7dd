import { moneyFromMinorUnits } from '../kit/vendor/moneyFromMinorUnits.js';
import type { VendorProduct } from './commerceClient.js';

/** The catalog's own model of a product: what `Product` resolves from. */
export interface Product {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly price: { readonly amount: string; readonly currency: string };
  readonly imageUrl: string;
  readonly category: string;
  readonly inStock: boolean;
}

/** Vendor record → our model. Money stays exact: integer cents to a decimal string. */
export function toProduct(p: VendorProduct): Product {
  return {
    id: p.id,
    name: p.title,
    description: p.description,
    price: moneyFromMinorUnits(p.price_cents, p.currency),
    imageUrl: p.image_url,
    category: p.category,
    inStock: p.inventory_quantity > 0,
  };
}
