import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ParseOptions, ValidationContext, ValidationRule } from 'graphql';
import { QueryLimitError, type QueryLimit } from './QueryLimitError.js';

export interface QueryLimitsConfig {
  /** Nesting of selection sets (fragments count as a level). */
  readonly maxDepth: number;
  /** Aliases in the operation, `__typename` ones included. */
  readonly maxAliases: number;
  /** Directives in the operation (`@include`, `@skip`, …). */
  readonly maxDirectives: number;
  /** Lexical tokens in the document; the parser stops at the first one past it. */
  readonly maxTokens: number;
  /** Strip "Did you mean …" from every error (production). */
  readonly blockFieldSuggestions: boolean;
}

export interface QueryLimits {
  /** Apollo Server `validationRules`: depth, aliases, directives (cost: `operationLimitsPlugin`). */
  readonly validationRules: ValidationRule[];
  /** Apollo Server `parseOptions`: the token limit. */
  readonly parseOptions: ParseOptions;
  /** Apollo Server plugins: field suggestions blocked (when asked). */
  readonly plugins: ApolloServerPlugin<BaseContext>[];
}

/**
 * The gateway's limits on abusive queries, checked before anything runs, built with
 * graphql-armor. A refusal is a 400 whose error the masking turns into
 * QUERY_TOO_COMPLEX with a message naming the limit and its maximum (`QueryLimitError`).
 *
 * - Armor's rules report through `onReject` (not its default, which would answer
 *   BAD_USER_INPUT with "Syntax Error: … found N"), with `propagateOnRejection: false`
 *   so that Apollo collects them as validation errors (400) instead of an exception (500).
 * - The token limit is graphql-js's own `maxTokens` parse option (the same lexer count
 *   armor uses): armor's Apollo max-tokens plugin throws from `parsingDidStart`, which
 *   Apollo Server answers with 500 for every syntax error (graphql-armor#571, #751).
 * - Introspection (`__schema`) is left out of depth and cost, as armor does by default,
 *   so that the development sandbox explorer still loads; production turns introspection off.
 */
export function queryLimits(config: QueryLimitsConfig): QueryLimits {
  const refuse = (limit: QueryLimit, max: number) => ({
    propagateOnRejection: false,
    onReject: [(context: ValidationContext | null) => context?.reportError(new QueryLimitError(limit, max))],
  });
  const armor = new ApolloArmor({
    maxDepth: { n: config.maxDepth, ignoreIntrospection: true, flattenFragments: false, ...refuse('depth', config.maxDepth) },
    // An empty allow list: armor would otherwise not count `__typename` aliases, the cheapest alias bomb.
    maxAliases: { n: config.maxAliases, allowList: [], ...refuse('aliases', config.maxAliases) },
    maxDirectives: { n: config.maxDirectives, ...refuse('directives', config.maxDirectives) },
    // Cost is counted per request with the variables (operationLimitsPlugin), not here: a validated document is cached.
    costLimit: { enabled: false },
    maxTokens: { enabled: false },
    blockFieldSuggestion: { enabled: config.blockFieldSuggestions, mask: '' },
  });
  const { validationRules, plugins } = armor.protect();
  // Armor's typings resolve @apollo/server's CJS declarations, ours the ESM ones: same plugin objects.
  return { validationRules, plugins: plugins as unknown as ApolloServerPlugin<BaseContext>[], parseOptions: { maxTokens: config.maxTokens } };
}
