/** Where the shared response cache keeps serialized answers. Never throws: a failure is a miss (or a write not made). */
export interface ResponseStore {
  get(key: string): Promise<string | undefined>;
  /** `ttlS` 0 or less stores nothing. */
  set(key: string, value: string, ttlS: number): Promise<void>;
  close(): Promise<void>;
}
