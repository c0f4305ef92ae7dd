import { GraphQLError } from 'graphql';

/** `file:line:column: message` for a graphql-js parse error, so an editor jumps to it (no position when it has none). */
export function parseErrorMessage(file: string, err: unknown): string {
  const where = err instanceof GraphQLError && err.locations?.[0] ? `:${err.locations[0].line}:${err.locations[0].column}` : '';
  return `${file}${where}: ${(err as Error).message}`;
}
