import { int } from '../../../platform/config/setting.js';

/** The gateway's query limits and batching (gateway/README.md, "Abusive queries"), spread into gatewaySettings. */
export const limitSettings = {
  limitMaxDepth: int('LIMIT_MAX_DEPTH', {
    default: 10,
    min: 1,
    max: 100,
    unit: 'levels',
    description: 'Deepest nesting of selection sets a query may have (fragments count as a level); deeper → 400 QUERY_TOO_COMPLEX.',
  }),
  limitMaxAliases: int('LIMIT_MAX_ALIASES', {
    default: 15,
    min: 0,
    max: 1_000,
    unit: 'aliases',
    description: 'Most aliases in one operation, `__typename` aliases included; more → 400 QUERY_TOO_COMPLEX.',
  }),
  limitMaxDirectives: int('LIMIT_MAX_DIRECTIVES', {
    default: 10,
    min: 0,
    max: 1_000,
    unit: 'directives',
    description: 'Most directives (`@include`, `@skip`, …) in one operation; more → 400 QUERY_TOO_COMPLEX.',
  }),
  limitMaxTokens: int('LIMIT_MAX_TOKENS', {
    default: 2_000,
    min: 100,
    max: 100_000,
    unit: 'tokens',
    description: 'Most lexical tokens in one query document; parsing stops past it → 400 QUERY_TOO_COMPLEX.',
  }),
  limitMaxCost: int('LIMIT_MAX_COST', {
    default: 5_000,
    min: 1,
    max: 10_000_000,
    unit: 'cost points',
    description: 'Highest estimated cost of one operation, counted with its variables (the home screen costs 1663); more → 400 QUERY_TOO_COMPLEX.',
  }),
  limitMaxMutationFields: int('LIMIT_MAX_MUTATION_FIELDS', {
    default: 1,
    min: 1,
    max: 100,
    unit: 'fields',
    description: 'Most root mutation fields one operation may hold (aliases count), so one request cannot multiply sign-ups or payments; more → 400 QUERY_TOO_COMPLEX, nothing runs.',
  }),
  limitMaxErrors: int('LIMIT_MAX_ERRORS', {
    default: 5,
    min: 1,
    max: 100,
    unit: 'errors',
    description: 'Most errors an answer that refuses a request (no data: parse, validation, variables) lists; the rest are counted in extensions.errorsOmitted.',
  }),
  maxBatchOperations: int('MAX_BATCH_OPERATIONS', {
    default: 0,
    min: 0,
    max: 10,
    unit: 'operations',
    description: 'Operations one batched request (a JSON array body) may hold; 0 refuses batches (400 BAD_REQUEST).',
  }),
};
