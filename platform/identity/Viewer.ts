/**
 * Who is calling, as a subgraph knows it: only ever taken from the gateway's signed
 * identity token (never from a header a client could set). `null` = anonymous.
 */
export interface Viewer {
  /** The identity provider's subject (`sub`), e.g. "usr_0042". */
  readonly userId: string;
  /** OAuth scopes granted to the app's token, e.g. ["openid", "profile", "reviews:write"]. */
  readonly scopes: readonly string[];
}
