/**
 * `npm run -s token:identity -- <subgraph> [--user <id>] [--scope "a b"] [--private-key <jwk>]`:
 * an `x-gateway-identity` token for that subgraph, signed as the gateway signs it
 * (valid 60 s), for curl against a subgraph in development. Prints only the token:
 *   curl … -H "x-gateway-identity: $(npm run -s token:identity -- reviews --user u1)"
 * The subgraph must hold the matching public key in GATEWAY_IDENTITY_JWKS.
 */
import { createIdentitySigner } from '../platform/identity/createIdentitySigner.js';
import { parseIdentityTokenArgs } from './identityTokenArgs.js';

const parsed = parseIdentityTokenArgs(process.argv.slice(2), process.env);
if (!parsed.ok) {
  for (const error of parsed.errors) console.error(`token:identity: ${error}`);
  process.exit(1);
}
const { subgraph, viewer, privateJwk } = parsed.request;
process.stdout.write(`${await createIdentitySigner({ privateJwk }).sign({ viewer, audience: subgraph })}\n`);
