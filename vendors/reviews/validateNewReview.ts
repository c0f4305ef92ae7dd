import { productById } from '../commerce/data.js';
import type { NewReview } from './ReviewStore.js';

export const MAX_TEXT_LENGTH = 2000;

export type FieldError = { field: string; message: string };

/** StarPulse's rules for a new review; every field error at once. */
export function validateNewReview(body: Record<string, unknown>): { ok: true; value: NewReview } | { ok: false; fields: FieldError[] } {
  const fields: FieldError[] = [];
  const text = (field: keyof NewReview): string => {
    const v = body[field];
    if (typeof v !== 'string' || v.trim().length === 0 || v.length > MAX_TEXT_LENGTH) {
      fields.push({ field, message: `must be a non-empty string of at most ${MAX_TEXT_LENGTH} characters` });
      return '';
    }
    return v;
  };
  const product_id = text('product_id');
  const user_id = text('user_id');
  const headline = text('headline');
  const reviewText = text('text');
  const stars = body.stars;
  if (typeof stars !== 'number' || !Number.isInteger(stars) || stars < 1 || stars > 5) {
    fields.push({ field: 'stars', message: 'must be an integer from 1 to 5' });
  }
  if (product_id !== '' && productById(product_id) === undefined) {
    fields.push({ field: 'product_id', message: 'no such product' });
  }
  if (fields.length > 0) return { ok: false, fields };
  return { ok: true, value: { product_id, user_id, stars: stars as number, headline, text: reviewText } };
}
