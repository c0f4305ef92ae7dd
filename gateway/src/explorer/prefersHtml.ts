/** `type/subtype`, each an RFC 9110 token, or `*` wildcards. */
const MEDIA_RANGE = /^([!#$%&'*+.^_`|~0-9a-z-]+)\/([!#$%&'*+.^_`|~0-9a-z-]+)$/;
/** RFC 9110 qvalue: 0 to 1 with at most three decimals. */
const QVALUE = /^(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)$/;

interface MediaRange {
  readonly type: string;
  readonly subtype: string;
  readonly q: number;
}

/**
 * Whether an `Accept` header asks for HTML before JSON: a browser navigating to the URL
 * (`text/html,…,*\/*;q=0.8`), not a GraphQL client (`application/graphql-response+json,
 * application/json;q=0.9`) nor curl (`*\/*`, a tie). Entries that are not well-formed
 * are ignored, so a malformed header never counts as a browser.
 */
export function prefersHtml(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  const ranges = parseAccept(accept);
  const html = quality(ranges, 'text', 'html');
  const json = Math.max(quality(ranges, 'application', 'json'), quality(ranges, 'application', 'graphql-response+json'));
  return html > 0 && html > json;
}

function parseAccept(accept: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const entry of accept.split(',')) {
    const [range = '', ...params] = entry.split(';').map((part) => part.trim().toLowerCase());
    const match = MEDIA_RANGE.exec(range);
    if (!match) continue;
    let q = 1;
    let wellFormed = true;
    for (const param of params) {
      const [name, value] = param.split('=').map((s) => s.trim());
      if (name !== 'q') continue;
      if (value === undefined || !QVALUE.test(value)) wellFormed = false;
      else q = Number(value);
    }
    if (wellFormed) ranges.push({ type: match[1]!, subtype: match[2]!, q });
  }
  return ranges;
}

/** The quality the header gives one media type: that of the most specific range matching it (RFC 9110, 12.5.1), 0 if none does. */
function quality(ranges: readonly MediaRange[], type: string, subtype: string): number {
  let best: { specificity: number; q: number } | undefined;
  for (const range of ranges) {
    const specificity =
      range.type === type && range.subtype === subtype ? 2 : range.type === type && range.subtype === '*' ? 1 : range.type === '*' && range.subtype === '*' ? 0 : -1;
    if (specificity < 0) continue;
    // Of equally specific ranges (a header naming a type twice), the friendlier one counts.
    if (best === undefined || specificity > best.specificity || (specificity === best.specificity && range.q > best.q)) best = { specificity, q: range.q };
  }
  return best?.q ?? 0;
}
