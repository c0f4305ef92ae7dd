/** An absolute http(s) URL with a host: what the gateway's URL settings (subgraph URLs, issuer, JWKS) accept. */
export function isHttpUrl(value: string): boolean {
  try {
    const parsed = new URL(value);
    return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname !== '';
  } catch {
    return false;
  }
}
