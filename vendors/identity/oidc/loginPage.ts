const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** For text and for quoted attribute values alike. */
const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);

/**
 * Headers of every page IdentiCo shows: never cached, never framed (clickjacking a login
 * form is how credentials get phished), no scripts at all, no referrer leaking the query.
 */
export const PAGE_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  pragma: 'no-cache',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
  'referrer-policy': 'no-referrer',
});

const STYLE =
  'body{font:16px system-ui,sans-serif;max-width:22rem;margin:3rem auto;padding:0 1rem}' +
  'label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.5rem;box-sizing:border-box}' +
  'button{margin-top:1.2rem;width:100%;padding:.6rem}.error{color:#b00020}';

function page(title: string, body: string): string {
  return (
    `<!doctype html>\n<html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>\n<body>\n${body}\n</body></html>\n`
  );
}

/**
 * The sign-in form. The authorization request travels in hidden fields and is validated
 * again on POST; the password is never written back into the page.
 */
export function renderLoginPage(opts: {
  carried: ReadonlyArray<readonly [string, string]>;
  clientId: string;
  error?: string;
  email?: string;
}): string {
  const hidden = opts.carried.map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`).join('\n');
  const error = opts.error === undefined ? '' : `<p class="error" role="alert">${escapeHtml(opts.error)}</p>\n`;
  return page(
    'Sign in – IdentiCo',
    `<h1>Sign in</h1>\n<p>to continue to <strong>${escapeHtml(opts.clientId)}</strong></p>\n${error}` +
      `<form method="post" action="/authorize">\n${hidden}\n` +
      `<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required value="${escapeHtml(opts.email ?? '')}">\n` +
      `<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>\n` +
      `<button type="submit">Sign in</button>\n</form>`,
  );
}

/** Shown instead of redirecting when the client or redirect URI cannot be trusted. */
export function renderErrorPage(message: string): string {
  return page('Sign-in error – IdentiCo', `<h1>Sign-in error</h1>\n<p class="error">${escapeHtml(message)}</p>`);
}
