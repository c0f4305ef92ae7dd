import type { Route, RouteResponse } from '../../sandbox/types.js';
import { authenticateClient } from './clientAuthentication.js';
import type { ClientRegistry, GrantType, OAuthClient } from './clients.js';
import { OAuthError } from './oauthErrors.js';
import { bodyParams, required, type OAuthParams } from './requestParams.js';
import { authorizationCodeGrant, passwordGrant, refreshTokenGrant, type GrantDeps } from './tokenGrants.js';

export const TOKEN_PATH = '/oauth/token';

const GRANTS: Record<GrantType, (params: OAuthParams, client: OAuthClient, deps: GrantDeps) => Promise<RouteResponse>> = {
  authorization_code: authorizationCodeGrant,
  password: passwordGrant,
  refresh_token: refreshTokenGrant,
};

const isGrantType = (s: string): s is GrantType => Object.hasOwn(GRANTS, s);

/** `POST /oauth/token`: form or JSON in, RFC 6749 §5 JSON out (errors included), never cached. */
export function tokenRoute(deps: GrantDeps & { clients: ClientRegistry }): Route {
  return {
    method: 'POST',
    pattern: TOKEN_PATH,
    public: true,
    async handle(req) {
      try {
        const params = bodyParams(req);
        const grantType = required(params, 'grant_type');
        const authorization = typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined;
        const client = authenticateClient(params, authorization, deps.clients);
        if (!isGrantType(grantType)) throw new OAuthError('unsupported_grant_type', `Unsupported grant_type ${JSON.stringify(grantType.slice(0, 50))}.`);
        if (!client.grantTypes.includes(grantType)) {
          throw new OAuthError('unauthorized_client', `Client ${client.clientId} may not use the ${grantType} grant.`);
        }
        return await GRANTS[grantType](params, client, deps);
      } catch (err) {
        if (err instanceof OAuthError) return err.toResponse();
        throw err;
      }
    },
  };
}
