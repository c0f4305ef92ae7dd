import { createRequire } from 'node:module';
import type * as GraphQLMiddleware from 'graphql-middleware';
import type * as GraphQLShield from 'graphql-shield';

const require = createRequire(import.meta.url);

/*
 * graphql-shield 7.6.5 (the newest release) ships an ESM build that does
 * `import { isUndefined } from 'util'`. Node 23+ removed `util.isUndefined`, so importing
 * that build is a link-time SyntaxError (graphql-shield#1561): every subgraph would fail to
 * start on Node 24. Its CommonJS build loads on every Node we support; it only touches
 * `util.isUndefined` inside `chain` and `race`, which the kit therefore does not offer.
 *
 * graphql-middleware is loaded the same way, so that shield's middleware generator and
 * `applyMiddleware` come from one copy of the package (it tells a generator from a plain
 * middleware with `instanceof`).
 */
const shieldModule = require('graphql-shield') as typeof GraphQLShield;
const middlewareModule = require('graphql-middleware') as typeof GraphQLMiddleware;

export const { shield, rule, and, or, not, allow, deny } = shieldModule;
export const { applyMiddleware, middleware } = middlewareModule;

/** A graphql-shield rule (a `rule(...)`, `and(...)`, `allow`, …). */
export type ShieldRule = Parameters<typeof and>[number];
