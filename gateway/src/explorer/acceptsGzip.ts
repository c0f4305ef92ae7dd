/** Whether an `Accept-Encoding` header takes gzip: named (or `*`) with a quality above 0. */
export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  if (acceptEncoding === undefined) return false;
  let gzip: number | undefined;
  let any: number | undefined;
  for (const entry of acceptEncoding.split(',')) {
    const [coding = '', ...params] = entry.split(';').map((part) => part.trim().toLowerCase());
    const qParam = params.find((param) => param.startsWith('q='));
    const q = qParam === undefined ? 1 : Number(qParam.slice(2));
    // A quality that is not a number is a malformed entry: it offers nothing.
    if (Number.isNaN(q)) continue;
    if (coding === 'gzip' || coding === 'x-gzip') gzip = Math.max(gzip ?? 0, q);
    else if (coding === '*') any = Math.max(any ?? 0, q);
  }
  return (gzip ?? any ?? 0) > 0;
}
