import { errors } from 'undici';
import type { SubgraphAnswer } from './SubgraphResponse.js';

/**
 * A caller joins a fetch in flight only if that fetch has at least 1/JOIN_RATIO of the time
 * the caller has left: the fetch's timeout would be the caller's failure, and a leader whose
 * client cut its budget short (`x-request-budget-ms: 50`) must not cut everyone else's.
 * Callers of the same budget arriving while the fetch runs (the usual case) always share.
 */
export const JOIN_RATIO = 2;

export interface Joined {
  /** This caller started the fetch (false: it shares one already in flight). */
  readonly leader: boolean;
  /** The answer, or the fetch's failure; a follower's ends at its own deadline if that comes first. */
  readonly answer: Promise<SubgraphAnswer>;
}

interface InFlight {
  readonly answer: Promise<SubgraphAnswer>;
  readonly deadlineAt: number;
}

/**
 * Identical subgraph fetches in flight at the same time, merged into one: the first caller of
 * a key (the leader) fetches, later ones (followers) wait for its answer. The caller decides
 * what may be shared (queries only) and puts in the key everything that can change the answer.
 * Only the answer's text is shared; every caller parses its own copy. A follower never cancels
 * the fetch (its client leaving ends only its own wait), and the leader's failure is every
 * follower's. The entry goes as soon as the fetch settles: this dedupes, it does not cache.
 */
export class InFlightFetches {
  private readonly inFlight = new Map<string, InFlight>();

  /** Fetches in flight now (for tests and diagnostics). */
  get size(): number {
    return this.inFlight.size;
  }

  /** Joins the fetch of `key` in flight, or starts it with `start`; `deadlineAt` (epoch ms) is this caller's. */
  join(key: string, deadlineAt: number, start: () => Promise<SubgraphAnswer>): Joined {
    const current = this.inFlight.get(key);
    const now = Date.now();
    if (current && (current.deadlineAt - now) * JOIN_RATIO >= deadlineAt - now) {
      return { leader: false, answer: current.deadlineAt > deadlineAt ? cutAt(current.answer, deadlineAt) : current.answer };
    }
    const entry: InFlight = { answer: start(), deadlineAt };
    // A later caller with more time replaces an earlier leader here; that leader's followers keep theirs.
    this.inFlight.set(key, entry);
    const settled = () => {
      if (this.inFlight.get(key) === entry) this.inFlight.delete(key);
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
