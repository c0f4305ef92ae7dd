import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runEntry } from '../../test/harness/runEntry.js';
import { APP_BUILDS_DIR, readAppBuildFiles } from '../appBuilds/appBuildFiles.js';
import { composeSupergraph, type SubgraphSource } from '../composeSupergraph.js';
import { readOperationFiles } from '../readOperationFiles.js';
import { fromRoot, subgraphs } from '../subgraphs.js';
import { NO_APPROVALS, type Approvals } from './approvals.js';
import { checkSchema, type SchemaCheckReport } from './checkSchema.js';
import { formatSchemaCheck } from './formatSchemaCheck.js';

// The real subgraph schemas, read once; each test changes a copy (a string), never the files.
const real: SubgraphSource[] = subgraphs.map((s) => ({ name: s.name, url: s.url, source: s.schemaPath, typeDefs: readFileSync(fromRoot(s.schemaPath), 'utf8') }));
const appBuilds = readAppBuildFiles({ dir: fromRoot(APP_BUILDS_DIR), label: APP_BUILDS_DIR });
const operationFiles = readOperationFiles();

function supergraphOf(sources: readonly SubgraphSource[]): string {
  const composed = composeSupergraph(sources);
  if (!composed.ok) throw new Error(composed.errors.join('\n'));
  return composed.supergraphSdl;
}

/** `change` applied to one subgraph's SDL (it must change something), the others as they are. */
function edited(name: string, change: (sdl: string) => string, base: readonly SubgraphSource[] = real): SubgraphSource[] {
  return base.map((s) => {
    if (s.name !== name) return s;
    const typeDefs = change(s.typeDefs);
    if (typeDefs === s.typeDefs) throw new Error(`the edit of ${name} changed nothing`);
    return { ...s, typeDefs };
  });
}

async function check(after: readonly SubgraphSource[], options: { before?: readonly SubgraphSource[]; approvals?: Approvals } = {}): Promise<SchemaCheckReport> {
  return checkSchema({
    committedSupergraphSdl: supergraphOf(options.before ?? real),
    subgraphs: after,
    operationFiles,
    appBuilds,
    approvals: options.approvals ?? NO_APPROVALS,
  });
}

const levels = (report: SchemaCheckReport) => report.changes.map((c) => `${c.level} ${c.path} ${c.type}`);

describe('schema:check classifies each change of the API schema (graphql-inspector) and protects app builds', () => {
  it('the project as committed passes', async () => {
    const report = await check(real, { approvals: { breakingChanges: [], nullableRuleExceptions: [exceptionForDisplayName] } });
    expect(report.changes).toEqual([]);
    expect(report.brokenOperations).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it('removing a field an app build uses: breaking, and every operation that uses it is named with its file and line', async () => {
    const report = await check(edited('reviews', (sdl) => sdl.replace('  title: String!\n', '')));
    expect(report.ok).toBe(false);
    expect(levels(report)).toEqual(['breaking Review.title FIELD_REMOVED']);
    const lines = formatSchemaCheck(report, 'schema/supergraph.graphql');
    expect(lines).toContain("  BREAKING  Review.title: Field 'title' was removed from object type 'Review'");
    // The old build's HomeScreen (line 15 of its manifest, line 20 of the body), the current builds' ProductPage and AddReview, the app's own files.
    expect(report.brokenOperations.map((op) => `${op.file}:${op.line}: ${op.operation}`)).toEqual([
      'schema/app-builds/android-3.2.1.json:9: AddReview',
      'schema/app-builds/android-3.2.1.json:33: ProductPage',
      'schema/app-builds/ios-3.1.0.json:15: HomeScreen',
      'schema/app-builds/ios-3.1.0.json:21: ProductPage',
      'schema/app-builds/ios-3.2.0.json:9: AddReview',
      'schema/app-builds/ios-3.2.0.json:33: ProductPage',
      'schema/app-builds/ios-3.3.0.json:9: AddReview',
      'schema/app-builds/ios-3.3.0.json:51: ProductPage',
      'schema/app-builds/ios-3.4.0.json:9: AddReview',
      'schema/app-builds/ios-3.4.0.json:63: ProductPage',
      'test/operations/AddReview.graphql:5: AddReview',
      'test/operations/ProductPage.graphql:20: ProductPage',
    ]);
    expect(lines).toContain('  schema/app-builds/ios-3.1.0.json:15: HomeScreen: Cannot query field "title" on type "Review". (line 20 of its body)');
    expect(lines).toContain('  test/operations/ProductPage.graphql:20: ProductPage: Cannot query field "title" on type "Review".');
    expect(lines).toContain('schema check refused: 1 breaking change not approved, 12 operation errors, 1 non-null vendor-backed field.');
  });

  it('renaming an argument: the old name removed (breaking), the new one added (dangerous), the operations using it named', async () => {
    const report = await check(edited('catalog', (sdl) => sdl.replace('products(first: Int! = 20,', 'products(limit: Int! = 20,')));
    expect(levels(report)).toEqual(['breaking Query.products.first FIELD_ARGUMENT_REMOVED', 'dangerous Query.products.limit FIELD_ARGUMENT_ADDED']);
    expect(report.ok).toBe(false);
    expect(formatSchemaCheck(report, 'schema/supergraph.graphql')).toContain(
      '  test/operations/HomeScreen.graphql:2: HomeScreen: Unknown argument "first" on field "Query.products". Did you mean "limit"?',
    );
  });

  it('output field non-null → nullable: breaking (an installed build’s generated types say it is never null)', async () => {
    const report = await check(edited('catalog', (sdl) => sdl.replace('  name: String!\n', '  name: String\n')));
    expect(levels(report)).toEqual(['breaking Product.name FIELD_TYPE_CHANGED']);
    expect(report.changes[0]?.message).toBe("Field 'Product.name' changed type from 'String!' to 'String'");
    expect(report.brokenOperations).toEqual([]);
    expect(report.ok).toBe(false);
  });

  it('output field nullable → non-null: safe for clients; allowed where no vendor backs it through another subgraph', async () => {
    const report = await check(edited('reviews', (sdl) => sdl.replace('  author: User\n', '  author: User!\n')));
    expect(levels(report)).toEqual(['safe Review.author FIELD_TYPE_CHANGED']);
    expect(report.ok).toBe(false); // only because of the one pre-existing exception this test does not pass:
    expect(report.violations.map((v) => v.field)).toEqual(['User.displayName']);
  });

  it('output field nullable → non-null on a vendor-backed field: safe for graphql-inspector, refused by the nullable rule', async () => {
    const report = await check(edited('reviews', (sdl) => sdl.replace('  rating: Rating\n', '  rating: Rating!\n')), {
      approvals: { breakingChanges: [], nullableRuleExceptions: [exceptionForDisplayName] },
    });
    expect(levels(report)).toEqual(['safe Product.rating FIELD_TYPE_CHANGED']);
    expect(report.ok).toBe(false);
    const lines = formatSchemaCheck(report, 'schema/supergraph.graphql');
    expect(lines).toContain(
      '  subgraphs/reviews/schema.graphql:13: Product.rating: Rating! must be nullable: reviews resolves it through _entities after catalog returned the Product; non-null, its vendor failing nulls the parent too',
    );
  });

  it('argument nullable → non-null: breaking; argument non-null → nullable: safe', async () => {
    const stricter = await check(edited('catalog', (sdl) => sdl.replace('after: String,', 'after: String!,')));
    expect(levels(stricter)).toEqual(['breaking Query.products.after FIELD_ARGUMENT_TYPE_CHANGED']);
    expect(stricter.changes[0]?.message).toBe("Type for argument 'after' on field 'Query.products' changed from 'String' to 'String!'");
    // BrowseCategory declares $after: String, now passed to a String! argument; HomeScreen does not pass it at all.
    expect(formatSchemaCheck(stricter, 'schema/supergraph.graphql')).toEqual(
      expect.arrayContaining([
        '  test/operations/BrowseCategory.graphql:1: BrowseCategory: Variable "$after" of type "String" used in position expecting type "String!".',
        '  test/operations/HomeScreen.graphql:2: HomeScreen: Field "products" argument "after" of type "String!" is required, but it was not provided.',
      ]),
    );
    expect(stricter.ok).toBe(false);

    const looser = await check(edited('catalog', (sdl) => sdl.replace('product(id: ID!): Product', 'product(id: ID): Product')), {
      approvals: { breakingChanges: [], nullableRuleExceptions: [exceptionForDisplayName] },
    });
    expect(levels(looser)).toEqual(['safe Query.product.id FIELD_ARGUMENT_TYPE_CHANGED']);
    expect(looser.ok).toBe(true);
  });

  it('a new enum value: dangerous (an old build’s switch does not know it), not refused', async () => {
    const withEnum = edited('catalog', (sdl) => sdl.replace('  inStock: Boolean!\n', '  inStock: Boolean!\n  availability: Availability\n') + '\nenum Availability { IN_STOCK SOLD_OUT }\n');
    const report = await check(
      edited('catalog', (sdl) => sdl.replace('IN_STOCK SOLD_OUT', 'IN_STOCK SOLD_OUT PREORDER'), withEnum),
      { before: withEnum, approvals: { breakingChanges: [], nullableRuleExceptions: [exceptionForDisplayName] } },
    );
    expect(levels(report)).toEqual(['dangerous Availability.PREORDER ENUM_VALUE_ADDED']);
    expect(formatSchemaCheck(report, 'schema/supergraph.graphql')[1]).toBe("  DANGEROUS Availability.PREORDER: Enum value 'PREORDER' was added to enum 'Availability'");
    expect(report.ok).toBe(true);
  });

  it('a new optional field: safe', async () => {
    const report = await check(edited('catalog', (sdl) => sdl.replace('  inStock: Boolean!\n', '  inStock: Boolean!\n  "Shown under the name."\n  subtitle: String\n')), {
      approvals: { breakingChanges: [], nullableRuleExceptions: [exceptionForDisplayName] },
    });
    expect(levels(report)).toEqual(['safe Product.subtitle FIELD_ADDED', 'safe Product.subtitle FIELD_DESCRIPTION_ADDED']);
    expect(report.ok).toBe(true);
  });

  it('the nullable rule refuses a non-null Query field (its vendor failing would make the whole answer data: null)', async () => {
    const report = await check(edited('catalog', (sdl) => sdl.replace('product(id: ID!): Product', 'product(id: ID!): Product!')), {
      approvals: { breakingChanges: [], nullableRuleExceptions: [exceptionForDisplayName] },
    });
    expect(levels(report)).toEqual(['safe Query.product FIELD_TYPE_CHANGED']);
    expect(report.ok).toBe(false);
    expect(report.violations.filter((v) => !v.exception).map((v) => `${v.file}:${v.line}: ${v.field}: ${v.type}`)).toEqual([
      'subgraphs/catalog/schema.graphql:14: Query.product: Product!',
    ]);
  });

  it('an approved breaking change passes, with its approval printed; an approval matching nothing is reported for retirement', async () => {
    const change = edited('catalog', (sdl) => sdl.replace('  description: String!\n', '  description: String\n'));
    const approval = {
      path: 'Product.description',
      message: "Field 'Product.description' changed type from 'String!' to 'String'",
      reason: 'The vendor drops descriptions of discontinued products; installed builds show them only on ProductPage, which tolerates an error.',
      approvedBy: 'catalog team',
      approvedOn: '2026-12-01',
    };
    const stale = { ...approval, path: 'Query.products', message: 'something already shipped' };
    const report = await check(change, { approvals: { breakingChanges: [approval, stale], nullableRuleExceptions: [exceptionForDisplayName] } });
    expect(report.ok).toBe(true);
    expect(report.changes).toEqual([expect.objectContaining({ level: 'breaking', path: 'Product.description', approval })]);
    expect(report.unusedApprovals).toEqual([stale]);
    const lines = formatSchemaCheck(report, 'schema/supergraph.graphql');
    expect(lines[1]).toContain('[approved by catalog team on 2026-12-01: The vendor drops');
    expect(lines).toContain(
      '  retired approval: Query.products: "something already shipped" matches no pending change (it is in schema/supergraph.graphql now, or mistyped): delete it from schema/approved-changes.json',
    );

    const unapproved = await check(change, { approvals: { breakingChanges: [{ ...approval, message: 'another change' }], nullableRuleExceptions: [] } });
    expect(unapproved.ok).toBe(false);
  });

  it('npm run schema:check on the project: exit 0, and the house rule exception it relies on is printed', () => {
    const res = runEntry('schema/schemaCheck.ts', {});
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    expect(res.stdout).toContain('User.displayName: String! must be nullable');
    expect(res.stdout).toContain('schema check passed');
  });
});

const exceptionForDisplayName = {
  subgraph: 'accounts',
  field: 'User.displayName',
  reason: 'shipped non-null',
  approvedBy: 'test',
  approvedOn: '2026-12-01',
};
