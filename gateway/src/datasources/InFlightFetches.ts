import { errors } from '../../../platform/http/undiciPool.js';
import type { SubgraphAnswer } from './SubgraphResponse.js';

/**
 * A caller joins a fetch in flight only if that fetch has at least 1/JOIN_RATIO of the time
 * the caller has left: the fetch's timeout would be the caller's failure, and a leader whose
 * client cut its budget short (`x-request-budget-ms: 50`) must not cut everyone else's.
 * Callers of the same budget arriving while the fetch runs (the usual case) always share.
 */
const JOIN_RATIO = 2;

export interface Joined {
  /** This caller started the fetch (false: it shares one already in flight). */
  readonly leader: boolean;
  /** The answer, or the fetch's failure; a follower's ends at its own deadline if that comes first. */
  readonly answer: Promise<SubgraphAnswer>;
  /** A follower: the request id of the leader, the only one the subgraph saw (for the logs). */
  readonly sharedWith?: string;
}

interface InFlight {
  readonly answer: Promise<SubgraphAnswer>;
  readonly deadlineAt: number;
  readonly requestId: string;
}

/**
 * Identical subgraph fetches in flight at the same time, merged into one: the first caller of
 * a key (the leader) fetches, later ones (followers) wait for its answer. The caller decides
 * what may be shared (queries only) and puts in the key everything that can change the answer.
 * Only the answer's text is shared; every caller parses its own copy. No caller's client leaving
 * cancels the fetch (others may be waiting on it): a follower waits for the answer or its
 * own deadline, and the leader's failure is every follower's. The entry goes as soon as the fetch settles: this dedupes, it does not cache.
 */
export class InFlightFetches {
  /**
   * By scope (the caller's identity), then by body. Two levels rather than one key made of
   * both: a joined key would copy every body once more just to be looked up.
   */
  private readonly inFlight = new Map<string, Map<string, InFlight>>();

  /** Joins the fetch of (`scope`, `key`) in flight, or starts it with `start`; `deadlineAt` (epoch ms) and `requestId` are this caller's. */
  join(scope: string, key: string, caller: { deadlineAt: number; requestId: string }, start: () => Promise<SubgraphAnswer>): Joined {
    const { deadlineAt, requestId } = caller;
    let fetches = this.inFlight.get(scope);
    const current = fetches?.get(key);
    const now = Date.now();
    if (current && (current.deadlineAt - now) * JOIN_RATIO >= deadlineAt - now) {
      return { leader: false, answer: current.deadlineAt > deadlineAt ? cutAt(current.answer, deadlineAt) : current.answer, sharedWith: current.requestId };
    }
    const entry: InFlight = { answer: start(), deadlineAt, requestId };
    if (!fetches) this.inFlight.set(scope, (fetches = new Map()));
    // A later caller with more time replaces an earlier leader here; that leader's followers keep theirs.
    fetches.set(key, entry);
    const settled = () => {
      if (fetches.get(key) !== entry) return;
      fetches.delete(key);
      if (fetches.size === 0 && this.inFlight.get(scope) === fetches) this.inFlight.delete(scope);
    };
    entry.answer.then(settled, settled);
    return { leader: true, answer: entry.answer };
  }
}

/** `answer`, or undici's headers timeout at `deadlineAt`: the follower's own deadline, classified as the leader's would be. */
function cutAt(answer: Promise<SubgraphAnswer>, deadlineAt: number): Promise<SubgraphAnswer> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new errors.HeadersTimeoutError()), Math.max(0, deadlineAt - Date.now()));
    answer.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err as Error);
      },
    );
  });
}
