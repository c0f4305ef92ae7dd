/**
 * A metric's child for each set of label values, made on first use and kept: the gateway's
 * label sets are bounded (see `OperationLabel`), so the cache is too, and a request then only
 * looks its child up instead of having prom-client hash its labels again.
 */
export function labelledChildren<Values extends string[], Child>(make: (...values: Values) => Child): (...values: Values) => Child {
  const children = new Map<string, Child>();
  return (...values) => {
    // No label value holds a NUL: names are GraphQL names, codes and results are fixed words.
    const key = values.join('\0');
    let child = children.get(key);
    if (!child) {
      child = make(...values);
      children.set(key, child);
    }
    return child;
  };
}
