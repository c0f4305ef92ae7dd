import { parseArgs } from 'node:util';
import type { Env } from '../platform/config/setting.js';
import { parseIdentityPrivateJwk } from '../platform/identity/gatewayIdentity.js';
import { IdentityError } from '../platform/identity/IdentityError.js';
import type { Viewer } from '../platform/identity/Viewer.js';
import { subgraphEntries, type SubgraphEntry } from '../platform/registry/services.js';
import { subgraphArgument } from './subgraphArgument.js';

export const IDENTITY_TOKEN_USAGE = 'npm run -s token:identity -- <subgraph> [--user <id>] [--scope "a b"] [--private-key <private JWK as JSON>]';

export interface IdentityTokenRequest {
  /** The audience: only this subgraph accepts the token. */
  readonly subgraph: string;
  /** null: an anonymous caller (no `sub`), as the gateway sends for a signed-out app. */
  readonly viewer: Viewer | null;
  readonly privateJwk: string;
}

/**
 * `npm run token:identity`'s arguments and environment, checked: every problem at once.
 * The key comes from `--private-key` or GATEWAY_IDENTITY_PRIVATE_KEY (`npm run keys:identity`
 * makes a pair); it is refused under NODE_ENV=production, where only the gateway signs.
 */
export function parseIdentityTokenArgs(
  argv: readonly string[],
  env: Env,
  subgraphs: readonly SubgraphEntry[] = subgraphEntries,
): { ok: true; request: IdentityTokenRequest } | { ok: false; errors: string[] } {
  if (env.NODE_ENV?.trim() === 'production') {
    return { ok: false, errors: ['refusing to mint an identity token with NODE_ENV=production: in production only the gateway signs identities'] };
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      strict: true,
      options: { user: { type: 'string' }, scope: { type: 'string' }, 'private-key': { type: 'string' } },
    });
  } catch (err) {
    return { ok: false, errors: [`${(err as Error).message}\nusage: ${IDENTITY_TOKEN_USAGE}`] };
  }
  const errors: string[] = [];
  const { values, positionals } = parsed;
  const named = subgraphArgument(positionals[0], IDENTITY_TOKEN_USAGE, subgraphs);
  if (!named.ok) errors.push(named.message);
  if (positionals.length > 1) errors.push(`one subgraph only, got: ${positionals.join(' ')}`);
  const user = values.user?.trim();
  if (values.user !== undefined && user === '') errors.push('--user is empty');
  if (values.scope !== undefined && values.user === undefined) errors.push('--scope needs --user (an anonymous caller has no scopes)');
  const privateJwk = (values['private-key'] ?? env.GATEWAY_IDENTITY_PRIVATE_KEY ?? '').trim();
  if (privateJwk === '') {
    errors.push(
      'no signing key: pass --private-key or set GATEWAY_IDENTITY_PRIVATE_KEY (npm run keys:identity makes a pair; the subgraph needs its GATEWAY_IDENTITY_JWKS half)',
    );
  } else {
    try {
      parseIdentityPrivateJwk(privateJwk);
    } catch (err) {
      if (!(err instanceof IdentityError)) throw err;
      errors.push(`the signing key is unusable: ${err.reason}`);
    }
  }
  if (errors.length > 0 || !named.ok) return { ok: false, errors };
  const scopes = (values.scope ?? '').split(/\s+/).filter((s) => s !== '');
  return { ok: true, request: { subgraph: named.subgraph.name, viewer: user === undefined ? null : { userId: user, scopes }, privateJwk } };
}
