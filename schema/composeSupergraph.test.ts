import { describe, expect, it } from 'vitest';
import { composeSupergraph } from './composeSupergraph.js';
import { subgraphs } from './subgraphs.js';

const products = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])
  type Query { products: [Product!]! }
  type Product @key(fields: "id") { id: ID! name: String! }
`;
const ratings = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])
  type Product @key(fields: "id") { id: ID! stars: Float }
`;

describe('composeSupergraph', () => {
  it('composes two subgraphs sharing an entity into a supergraph routing to both', () => {
    const result = composeSupergraph([
      { name: 'products', url: 'http://localhost:5001/graphql', typeDefs: products },
      { name: 'ratings', url: 'http://localhost:5002/graphql', typeDefs: ratings },
    ]);
    if (!result.ok) throw new Error(result.errors.join('\n'));
    expect(result.supergraphSdl).toContain('enum join__Graph');
    expect(result.supergraphSdl).toContain('PRODUCTS @join__graph(name: "products", url: "http://localhost:5001/graphql")');
    expect(result.supergraphSdl).toContain('RATINGS @join__graph(name: "ratings", url: "http://localhost:5002/graphql")');
    expect(result.supergraphSdl).toMatch(/stars: Float @join__field\(graph: RATINGS\)/);
  });

  it('is deterministic (the committed file does not churn)', () => {
    const input = [
      { name: 'products', url: 'http://localhost:5001/graphql', typeDefs: products },
      { name: 'ratings', url: 'http://localhost:5002/graphql', typeDefs: ratings },
    ];
    const a = composeSupergraph(input);
    const b = composeSupergraph(input);
    expect(a.ok && b.ok && a.supergraphSdl === b.supergraphSdl).toBe(true);
  });

  it('reports a conflicting field type as a readable `CODE: message` line', () => {
    const conflicting = `
      extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])
      type Product @key(fields: "id") { id: ID! name: Int! @shareable }
    `;
    const result = composeSupergraph([
      { name: 'products', url: 'http://localhost:5001/graphql', typeDefs: products.replace('name: String!', 'name: String! @shareable') },
      { name: 'legacy', url: 'http://localhost:5003/graphql', typeDefs: conflicting },
    ]);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0]).toBe(
      'FIELD_TYPE_MISMATCH: Type of field "Product.name" is incompatible across subgraphs: it has type "Int!" in subgraph "legacy" but type "String!" in subgraph "products"',
    );
  });

  it('reports a parse error with the file and position', () => {
    const result = composeSupergraph([
      { name: 'products', url: 'http://localhost:5001/graphql', typeDefs: products },
      { name: 'ratings', url: 'http://localhost:5002/graphql', typeDefs: 'type Product {\n  id: ID!\n  stars Float\n}', source: 'subgraphs/ratings/schema.graphql' },
    ]);
    expect(result).toEqual({ ok: false, errors: [expect.stringMatching(/^subgraphs\/ratings\/schema\.graphql:3:9: Syntax Error: Expected ":"/)] });
  });

  it('refuses an empty list', () => {
    expect(composeSupergraph([])).toEqual({ ok: false, errors: ['No subgraphs to compose.'] });
  });

  it('lists every subgraph with a unique name, a URL and a schema path', () => {
    const names = subgraphs.map((s) => s.name);
    expect(new Set(names).size).toBe(names.length);
    for (const s of subgraphs) {
      expect(s.url).toMatch(/^http:\/\/localhost:\d+\/graphql$/);
      expect(s.schemaPath).toBe(`subgraphs/${s.name}/schema.graphql`);
    }
  });
});
