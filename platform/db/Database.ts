/**
 * The durable store a stateful service owns (payments' orders and webhook inbox,
 * notifications' device tokens and outbox): PostgreSQL, or PGlite in process when no
 * server is configured. Both kinds speak the same SQL and return the same row shapes
 * (see `createDatabase` for the type mapping), so service code never asks which it got.
 */
export interface QueryResult<R> {
  readonly rows: R[];
  readonly rowCount: number;
}

export interface Queryable {
  /**
   * With `params`, one statement (extended protocol, `$1`…). Without, the simple protocol:
   * possibly several statements, and the last one's rows come back.
   */
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<QueryResult<R>>;
}

export interface Database extends Queryable {
  /** 'postgres' (DATABASE_URL) or 'embedded' (PGlite). */
  readonly kind: 'postgres' | 'embedded';
  /** The PostgreSQL schema this service's tables live in; every connection's search_path is it. */
  readonly schema: string;
  /**
   * fn in one transaction: COMMIT when it resolves, ROLLBACK when it throws (the error is rethrown).
   * Inside fn use `tx`, never the database itself: embedded, the database waits for the
   * transaction to end, so a `db.query` inside it would wait forever.
   */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Parameterless SQL, possibly several statements (migrations). */
  exec(sql: string): Promise<void>;
  /** Idempotent; waits for running queries. Queries after it fail. */
  close(): Promise<void>;
}
