/** The code of a GraphQL response's first error (`extensions.code`), or undefined when it has none: what the app branches on. */
export function firstErrorCode(json: { errors?: { extensions?: { code?: string } }[] } | undefined): string | undefined {
  return json?.errors?.[0]?.extensions?.code;
}
