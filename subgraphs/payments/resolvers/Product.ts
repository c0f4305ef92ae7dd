import { badUserInput } from '../../../platform/errors/AppError.js';
import { isEntityId } from '../../kit/server/isEntityId.js';
import type { PaymentsContext } from '../context.js';
import type { Payments } from '../model.js';

const LOCALE = /^[a-z]{2}$/;

interface ProductRef {
  readonly id: string;
}

export const Product = {
  // A reference costs nothing: the field resolver below fetches. The id goes into the
  // vendor's comma-separated batch parameter, so anything but an id is refused here.
  __resolveReference(ref: ProductRef): ProductRef | null {
    return isEntityId(ref.id) ? { id: ref.id } : null;
  },

  payments(product: ProductRef, args: { locale: string }, ctx: PaymentsContext): Promise<Payments | null> {
    if (!LOCALE.test(args.locale)) throw badUserInput('locale', 'two lower-case letters, e.g. "en"');
    return ctx.loaders.byProduct(args.locale).load(product.id);
  },
};
