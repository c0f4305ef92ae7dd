import { readFileSync } from 'node:fs';

/** The mobile app's operations, as shipped in the app (`test/operations/*.graphql`). */
export function operation(name: 'HomeScreen' | 'ProductPage' | 'BrowseCategory'): string {
  return readFileSync(new URL(`../operations/${name}.graphql`, import.meta.url), 'utf8');
}
