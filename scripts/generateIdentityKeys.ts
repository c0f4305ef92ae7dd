/**
 * `npm run -s keys:identity`: a fresh gateway identity key pair, printed as two dotenv lines
 * (`-s` keeps npm's banner out of the output):
 *   GATEWAY_IDENTITY_PRIVATE_KEY  the gateway's private signing key (secret; the gateway only)
 *   GATEWAY_IDENTITY_JWKS         its public JWKS (every subgraph)
 * For docker-compose, `npm run keys:env -- --out .env` writes the whole .env (this pair and
 * every other secret its production mode needs); for a shell, `export` the two lines.
 * To rotate: make a new pair, give subgraphs a JWKS with the old and the new public key,
 * switch the gateway to the new private key, then drop the old key from the JWKS.
 */
import { generateIdentityKeys } from '../platform/identity/generateIdentityKeys.js';

const { privateJwk, publicJwks } = await generateIdentityKeys();
// Single quotes: dotenv files (and docker-compose) then take the JSON literally.
console.log(`GATEWAY_IDENTITY_PRIVATE_KEY='${privateJwk}'`);
console.log(`GATEWAY_IDENTITY_JWKS='${publicJwks}'`);
