import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { examplesDocument } from './examplesDocument.js';
import type { ExplorerExample } from './ExplorerExample.js';

/** The explorer's HTML, rendered once, and what it must be served with. */
export interface ExplorerPage {
  /** UTF-8. Every asset is inline: scripts, styles, fonts, the editor's workers (as blob: URLs). */
  readonly html: Buffer;
  /** Allows the page's one inline script (by hash) and nothing from any other origin. */
  readonly contentSecurityPolicy: string;
  /** SHA-256 of `html` (base64url): the page's version, for its ETag. */
  readonly contentHash: string;
  /** The same page, gzip-compressed on first use (about a quarter of its 9 MB). */
  gzipped(): Promise<Buffer>;
}

export interface ExplorerPageOptions {
  readonly examples: readonly ExplorerExample[];
  readonly graphqlPath: string;
  /** Plain text: GraphiQL writes it into the page as HTML. */
  readonly title: string;
}

/**
 * The headers the page starts with. JSON with comments, which GraphiQL's headers editor
 * accepts, so the hint sends nothing until the user fills it in: a placeholder token
 * would be refused with 401.
 */
export const HEADERS_HINT = `{
  // Signed-in operations (Me, MyOrders…) need a token:
  // "Authorization": "Bearer <access token>"
}`;

type GraphiQLSettings = NonNullable<Parameters<typeof renderGraphiQL>[0]>;

const gzipAsync = promisify(gzip);

// Every gateway of a process (tests start many) serves the same page: render it once.
let last: { readonly key: string; readonly page: ExplorerPage } | undefined;

/**
 * GraphiQL (`@graphql-yoga/render-graphiql`: GraphiQL 5, Monaco) as one self-contained
 * page: the docs explorer, a headers editor, the examples in one document, requests to the
 * gateway's own endpoint as JSON POSTs (which Apollo's CSRF prevention lets through).
 */
export function renderExplorerPage(options: ExplorerPageOptions): ExplorerPage {
  const key = JSON.stringify(options);
  if (last?.key === key) return last.page;

  const settings: GraphiQLSettings = {
    title: options.title,
    endpoint: options.graphqlPath,
    method: 'POST',
    // One document rather than a tab each: one headers editor (one token) serves them all, and a
    // mouse cannot pick a GraphiQL 5 tab in Chromium (the draggable tab moves away under the press).
    defaultQuery: options.examples.length > 0 ? examplesDocument(options.examples) : undefined,
    defaultHeaders: HEADERS_HINT,
    // Open on the headers editor, where the hint is.
    defaultEditorToolsVisibility: 'headers',
    // Access tokens do not belong in localStorage, where they would outlive the session.
    shouldPersistHeaders: false,
  };
  const html = escapeSettings(renderGraphiQL(settings), JSON.stringify(settings))
    // The HTML parser turns CR LF into LF before a script's hash is taken: hash what the browser will.
    .replace(/\r\n?/g, '\n');

  const script = inlineScript(html);
  const scriptHash = createHash('sha256').update(script, 'utf8').digest('base64');
  const contentSecurityPolicy = [
    "default-src 'none'",
    `script-src 'sha256-${scriptHash}'`,
    // Monaco adds <style> elements at run time; styles cannot run code.
    "style-src 'unsafe-inline'",
    // The favicon and the editor's icon font are data: URLs.
    "img-src 'self' data:",
    'font-src data:',
    // The editor's language workers are built from blob: URLs of the inline script.
    'worker-src blob:',
    "connect-src 'self'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');

  const body = Buffer.from(html, 'utf8');
  let compressed: Promise<Buffer> | undefined;
  const page: ExplorerPage = {
    html: body,
    contentSecurityPolicy,
    contentHash: createHash('sha256').update(body).digest('base64url'),
    gzipped: () => (compressed ??= gzipAsync(body)),
  };
  last = { key, page };
  return page;
}

/**
 * render-graphiql writes the settings into the inline script as plain JSON, where a
 * `</script>` in an example's text would end the script. The same JSON with `<` (and the
 * line separators old engines choke on) as \u escapes is the same value to JavaScript.
 */
function escapeSettings(html: string, json: string): string {
  const at = html.lastIndexOf(json);
  if (at < 0) throw new Error('render-graphiql did not write the explorer settings as JSON.stringify does: check its version');
  const safe = json.replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
  return html.slice(0, at) + safe + html.slice(at + json.length);
}

/** The text of the page's one inline script, exactly as the browser hashes it. */
function inlineScript(html: string): string {
  const open = html.indexOf('<script>');
  const end = /<\/script/gi;
  end.lastIndex = open;
  const close = open < 0 ? -1 : (end.exec(html)?.index ?? -1);
  if (close < 0 || html.indexOf('<script', close) >= 0) {
    throw new Error('render-graphiql did not render one inline <script>: check its version');
  }
  return html.slice(open + '<script>'.length, close);
}
