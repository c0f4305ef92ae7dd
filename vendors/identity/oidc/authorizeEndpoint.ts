import type { Route, RouteResponse } from '../../sandbox/types.js';
import type { UserDirectory } from '../UserDirectory.js';
import type { AuthorizationCodeStore } from './authorizationCodes.js';
import { checkAuthorizeRequest, withQuery, type AuthorizeRequest } from './authorizeRequest.js';
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
        if (check.kind === 'page') return html(400, renderErrorPage(check.message));
        if (check.kind === 'redirect') return redirect(check.location);
        return loginForm(check.request);
      },
    },
    {
      method: 'POST',
      pattern: AUTHORIZE_PATH,
      public: true,
      async handle({ form }) {
        if (form === null) return html(400, renderErrorPage('The sign-in form must be posted as application/x-www-form-urlencoded.'));
        const fields = [...form];
        const check = checkAuthorizeRequest(
          fields.filter(([name]) => name !== 'email' && name !== 'password'),
          deps.clients,
        );
        if (check.kind === 'page') return html(400, renderErrorPage(check.message));
        if (check.kind === 'redirect') return redirect(check.location);
        const { request } = check;
        const email = form.get('email') ?? '';
        const password = form.get('password') ?? '';
        if (email.trim() === '' || password === '') return loginForm(request, { error: 'Enter your email and password.', email: email.slice(0, 254) });
        const user = await deps.users.verifyCredentials(email, password);
        if (user === null) return loginForm(request, { error: 'Wrong email or password.', email: email.slice(0, 254) });
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
