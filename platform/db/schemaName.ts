/**
 * A service's schema name goes into SQL where nothing can be parameterized (CREATE SCHEMA,
 * the search_path, pg-boss's table names), so it is restricted to what needs no quoting
 * anywhere: a-z, 0-9 and _, not starting with a digit (pg-boss refuses that) nor with
 * `pg_` (PostgreSQL's own prefix, which CREATE SCHEMA refuses).
 */
export function assertSchemaName(schema: string, what = 'schema', maxLength = 63): void {
  const ok = typeof schema === 'string' && schemaNamePattern(maxLength).test(schema);
  if (!ok) {
    throw new TypeError(
      `${what} must be 1 to ${maxLength} of a-z, 0-9 and _ (not starting with a digit or pg_), got ${JSON.stringify(schema)}`,
    );
  }
}

export function schemaNamePattern(maxLength: number): RegExp {
  return new RegExp(`^(?!pg_)[a-z_][a-z0-9_]{0,${maxLength - 1}}$`);
}
