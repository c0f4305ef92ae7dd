/**
 * Labels that are not operation names. They start with two underscores, which GraphQL
 * reserves for introspection, and a client's own name of that shape is never kept (it
 * reads as `__other`), so a client cannot pass its operations off as one of these.
 */
export const OPERATION_LABEL = {
  /** An operation without a name. */
  anonymous: '__anonymous',
  /** Refused before an operation was resolved: not parsed, not valid, no operation of that name. */
  invalid: '__invalid',
  /** A name past the cap of unlisted names, one that is not a GraphQL name of bounded length, or a claimed name outside the app builds'. */
  other: '__other',
  /** Refused by persisted-query handling without a resolved operation, and the client named none. */
  unknown: '__unknown',
} as const;

/** Longer names read as `__other`: an app's operation names are a few words. */
export const MAX_OPERATION_NAME_CHARS = 100;

/** Names outside the app builds' that get a label of their own; later ones read as `__other`. */
export const MAX_UNLISTED_OPERATION_NAMES = 50;

const GRAPHQL_NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

export interface OperationLabelOptions {
  /** The app builds' operation names: always a label of their own, never counted against the cap. */
  readonly known?: Iterable<string>;
  /** Default MAX_UNLISTED_OPERATION_NAMES. */
  readonly maxUnlisted?: number;
}

/**
 * The `operation` label of the gateway's metrics. Every distinct label is a time series
 * kept for the life of the process (and by Prometheus), so the set is bounded: the app
 * builds' names, at most `maxUnlisted` others in the order resolved operations bring them
 * (an ad-hoc query from the explorer, a script), then `__other`, plus the four labels of
 * OPERATION_LABEL. Only a resolved operation (a document that parsed and validated) can take
 * one of those slots; a name merely claimed beside a persisted-query hash never does.
 * A client inventing a new name per request fills the cap once and changes nothing after.
 */
export interface OperationLabel {
  /** A resolved operation's name (from its document); none → `__anonymous`. */
  ofOperation(name: string | null | undefined): string;
  /**
   * The `operationName` a client sent with a request that never resolved an operation (a
   * persisted-query miss or refusal): an app build's name keeps its label, any other is
   * `__other`, none is `__unknown`. Such a name never takes one of the unlisted slots: it costs
   * the client nothing to make up (no document, nothing parsed), so a stream of invented
   * names on cheap misses would otherwise fill the cap for the life of the process.
   */
  ofClaimed(name: string | null | undefined): string;
}

export function operationLabel(options: OperationLabelOptions = {}): OperationLabel {
  const known = new Set([...(options.known ?? [])].filter(isOwnLabelName));
  const unlisted = new Set<string>();
  const maxUnlisted = options.maxUnlisted ?? MAX_UNLISTED_OPERATION_NAMES;

  const ofName = (name: string): string => {
    if (!isOwnLabelName(name)) return OPERATION_LABEL.other;
    if (known.has(name) || unlisted.has(name)) return name;
    if (unlisted.size >= maxUnlisted) return OPERATION_LABEL.other;
    unlisted.add(name);
    return name;
  };

  return {
    ofOperation: (name) => (typeof name === 'string' && name !== '' ? ofName(name) : OPERATION_LABEL.anonymous),
    ofClaimed: (name) => {
      if (typeof name !== 'string' || name === '') return OPERATION_LABEL.unknown;
      return known.has(name) ? name : OPERATION_LABEL.other;
    },
  };
}

/** A GraphQL name of bounded length that cannot be mistaken for one of OPERATION_LABEL. */
function isOwnLabelName(name: string): boolean {
  return name.length <= MAX_OPERATION_NAME_CHARS && GRAPHQL_NAME.test(name) && !name.startsWith('__');
}
