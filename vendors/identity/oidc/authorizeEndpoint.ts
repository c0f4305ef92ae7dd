import type { Route, RouteResponse } from '../../sandbox/types.js';
import type { UserDirectory } from '../UserDirectory.js';
import type { AuthorizationCodeStore } from './authorizationCodes.js';
import { checkAuthorizeRequest, withQuery, type AuthorizeCheck, type AuthorizeRequest } from './authorizeRequest.js';
import type { ClientRegistry } from './clients.js';
import { PAGE_HEADERS, renderErrorPage, renderLoginPage } from './loginPage.js';

export const AUTHORIZE_PATH = '/authorize';

export interface AuthorizeDeps {
  clients: ClientRegistry;
  users: UserDirectory;
  codes: AuthorizationCodeStore;
  clock: () => number;
}

const html = (status: number, text: string): RouteResponse => ({ status, text, headers: { ...PAGE_HEADERS } });
const redirect = (location: string): RouteResponse => ({ status: 302, text: '', headers: { location, 'cache-control': 'no-store' } });
const loginForm = (request: AuthorizeRequest, extra: { error?: string; email?: string } = {}): RouteResponse =>
  html(200, renderLoginPage({ carried: request.carried, clientId: request.client.clientId, ...extra }));
/** An authorization request that failed its checks: an error page, or back to the app with the error. */
const refused = (check: Exclude<AuthorizeCheck, { kind: 'ok' }>): RouteResponse =>
  check.kind === 'page' ? html(400, renderErrorPage(check.message)) : redirect(check.location);

/**
 * `GET /authorize` shows the sign-in form; `POST /authorize` checks the credentials and
 * redirects to the app with a code (authorization code flow with PKCE, RFC 6749 §4.1 + RFC 7636).
 */
export function authorizeRoutes(deps: AuthorizeDeps): Route[] {
  return [
    {
      method: 'GET',
      pattern: AUTHORIZE_PATH,
      public: true,
      handle({ query }) {
        const check = checkAuthorizeRequest(query, deps.clients);
        return check.kind === 'ok' ? loginForm(check.request) : refused(check);
      },
    },
    {
      method: 'POST',
      pattern: AUTHORIZE_PATH,
      public: true,
      async handle({ form }) {
        if (form === null) return html(400, renderErrorPage('The sign-in form must be posted as application/x-www-form-urlencoded.'));
        const check = checkAuthorizeRequest(
          [...form].filter(([name]) => name !== 'email' && name !== 'password'),
          deps.clients,
        );
        if (check.kind !== 'ok') return refused(check);
        const { request } = check;
        const email = form.get('email') ?? '';
        const password = form.get('password') ?? '';
        const again = (error: string): RouteResponse => loginForm(request, { error, email: email.slice(0, 254) });
        if (email.trim() === '' || password === '') return again('Enter your email and password.');
        const user = await deps.users.verifyCredentials(email, password);
        if (user === null) return again('Wrong email or password.');
        const code = deps.codes.issue({
          clientId: request.client.clientId,
          redirectUri: request.redirectUri,
          codeChallenge: request.codeChallenge,
          scopes: request.scopes,
          userId: user.user_id,
          nonce: request.nonce,
          authTime: Math.floor(deps.clock() / 1000),
        });
        return redirect(withQuery(request.redirectUri, { code, state: request.state }));
      },
    },
  ];
}
