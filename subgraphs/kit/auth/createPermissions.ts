import type { GraphQLSchema } from 'graphql';
import type { IMiddleware, IMiddlewareGenerator } from 'graphql-middleware';
import { AppError } from '../../../platform/errors/AppError.js';
import { allow, deny, middleware, shield, type ShieldRule } from './shieldModules.js';

/** The rules of one type: one rule for every field, or a rule per field (`'*'` = the type's default). */
export type TypeRules = ShieldRule | { readonly [field: string]: ShieldRule };

/** A subgraph's permissions, mirroring its schema: type name → its rules. */
export type PermissionRules = { readonly [typeName: string]: TypeRules };

/** What `createSubgraphServer({ permissions })` applies to the schema. */
export type Permissions = IMiddlewareGenerator<unknown, unknown, unknown>;

/** The fields federation itself adds, which the kit handles (see `withFederationFields`). */
const FEDERATION_QUERY_FIELDS = ['_service', '_entities'] as const;
const SERVICE_TYPE = '_Service';

export function isFieldRules(rules: TypeRules): rules is { readonly [field: string]: ShieldRule } {
  // Rules are class instances with `resolve`; a field map is a plain object of rules.
  return typeof (rules as { resolve?: unknown }).resolve !== 'function';
}

const options = {
  // Anything the map does not name is refused: a new field is private until someone writes its rule.
  fallbackRule: deny,
  fallbackError: () => new AppError('FORBIDDEN'),
  // Errors thrown by resolvers (a vendor outage → VENDOR_UNAVAILABLE, BAD_USER_INPUT, …) pass
  // through as they are; without this every one of them would become "Not Authorised!".
  allowExternalErrors: true,
  // true would rethrow errors thrown inside rules; false turns them into a refusal (FORBIDDEN).
  debug: false,
};

/**
 * The shield of one subgraph: `fallbackRule: deny` (fallback error: FORBIDDEN), resolver
 * errors passed through (`allowExternalErrors`), and the federation fields handled on
 * purpose, whatever the map says about `Query`:
 *  - `Query._service` and `_Service.sdl` are allowed: the gateway and composition read the SDL;
 *  - `Query._entities` is allowed: it is how the gateway resolves entities. It does not open
 *    a way around the rules: the fields of the entities it returns (e.g. `User.email`) run
 *    their own rules exactly as when reached from any other field.
 * The map may not name those fields itself (it would be one more way to get them wrong).
 *
 * A field whose rule is `allow` (`allowAll`) keeps its own resolver: shield would wrap it in
 * an async middleware that only awaits the resolver, turning every public scalar of an
 * answer into a promise for graphql-js to settle (`allowExternalErrors` makes the wrapper
 * hand a thrown error back as the value, which graphql-js reports exactly as the throw).
 */
export function createPermissions(rules: PermissionRules): Permissions {
  const clash = federationFieldsIn(rules);
  if (clash.length > 0) {
    throw new TypeError(`createPermissions: ${clash.join(', ')} are federation fields; the kit allows them itself. Remove them from the map.`);
  }
  // Validates the rule tree now (two rules with one name), at start-up rather than at first use.
  shield(rules, options);
  // The federation fields exist only when the schema has them (`_entities` needs an entity),
  // and shield refuses rules for fields it cannot find, so they are added per schema.
  return middleware((schema) => {
    const tree = withFederationFields(rules, schema);
    return withoutAllowedFields(shield(tree, options).generate(schema) as IMiddleware, tree);
  });
}

/** The rule shield applies to `field` of `typeName`: the field's, else the type's default, else the fallback. */
function ruleOf(tree: PermissionRules, typeName: string, field: string): ShieldRule {
  const rules = tree[typeName];
  if (rules === undefined) return options.fallbackRule;
  if (!isFieldRules(rules)) return rules;
  return rules[field] ?? rules['*'] ?? options.fallbackRule;
}

/** Shield's middleware map without the fields whose rule is `allow` (see `createPermissions`). */
function withoutAllowedFields(generated: IMiddleware, tree: PermissionRules): IMiddleware {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [typeName, fields] of Object.entries(generated as Record<string, Record<string, unknown>>)) {
    const kept = Object.fromEntries(Object.entries(fields).filter(([field]) => ruleOf(tree, typeName, field) !== allow));
    if (Object.keys(kept).length > 0) out[typeName] = kept;
  }
  return out as IMiddleware;
}

function federationFieldsIn(rules: PermissionRules): string[] {
  const out: string[] = [];
  const query = rules.Query;
  if (query !== undefined && isFieldRules(query)) {
    for (const field of FEDERATION_QUERY_FIELDS) if (Object.hasOwn(query, field)) out.push(`Query.${field}`);
  }
  if (Object.hasOwn(rules, SERVICE_TYPE)) out.push(SERVICE_TYPE);
  return out;
}

/** `rules` plus `allow` on the federation fields present in `schema`. */
function withFederationFields(rules: PermissionRules, schema: GraphQLSchema): PermissionRules {
  const out: Record<string, TypeRules> = { ...rules };
  const query = schema.getQueryType();
  const present = query ? FEDERATION_QUERY_FIELDS.filter((f) => Object.hasOwn(query.getFields(), f)) : [];
  if (query && present.length > 0) {
    const federation = Object.fromEntries(present.map((f) => [f, allow]));
    const own = rules[query.name];
    // A rule for the whole Query type becomes its default, so that it does not also cover _service/_entities.
    out[query.name] = own === undefined ? federation : isFieldRules(own) ? { ...own, ...federation } : { '*': own, ...federation };
  }
  if (schema.getType(SERVICE_TYPE)) out[SERVICE_TYPE] = { sdl: allow };
  return out;
}
