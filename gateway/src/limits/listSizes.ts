/**
 * `@listSize`-style settings of the graph's list fields (after the IBM cost spec that
 * Apollo's demand control follows), for the operation cost (`operationCost`):
 *
 * - `slicingArguments`: the arguments whose value is the list's length (the largest one
 *   given counts); a field not listed here uses `first`, `last` or `limit` if it has them;
 * - `max`: the most items the field ever returns, whatever is asked (its resolver refuses
 *   more with BAD_USER_INPUT): a request for more costs as much as `max`;
 * - `assumedSize`: the length of a list without a slicing argument (default 1).
 *
 * Keyed `Type.field`. Keep in step with the resolvers' bounds (catalog and reviews READMEs).
 */
export interface ListSize {
  readonly slicingArguments?: readonly string[];
  readonly max?: number;
  readonly assumedSize?: number;
}

export type ListSizes = Readonly<Record<string, ListSize>>;

/** The arguments that size a list when a field has no setting of its own. */
export const DEFAULT_SLICING_ARGUMENTS: readonly string[] = ['first', 'last', 'limit'];

export const listSizes: ListSizes = {
  'Query.products': { slicingArguments: ['first'], max: 100 },
  'Product.reviews': { slicingArguments: ['first'], max: 50 },
};
