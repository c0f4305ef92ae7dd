/** One ready-made operation in the explorer: an operation the app builds send. */
export interface ExplorerExample {
  /** Its operation name, e.g. HomeScreen. */
  readonly name: string;
  /** The GraphQL document (with its fragments). */
  readonly document: string;
}
