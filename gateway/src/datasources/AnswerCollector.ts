import type { Dispatcher } from 'undici';
import { errors } from '../../../platform/http/undiciPool.js';
import type { SubgraphAnswer } from './SubgraphResponse.js';

/**
 * An undici dispatch handler that reads a subgraph's answer whole: status, headers, and the
 * body as one string (the chunks joined once, decoded once). What `pool.request` would do
 * through a Readable stream per answer (its buffering, events and ticks), without the stream.
 * The client's `signal`, when there is one that can still fire, aborts it. The whole fetch is
 * held to `limitMs` from its start (`holdToLimit`) where undici's own timeouts would not.
 */
export class AnswerCollector implements Dispatcher.DispatchHandler {
  private readonly url: string;
  private readonly resolve: (answer: SubgraphAnswer) => void;
  private readonly reject: (err: Error) => void;
  private readonly signal: AbortSignal | undefined;
  private readonly limitMs: number;
  private readonly startedAt = performance.now();
  private abort: ((err?: Error) => void) | undefined;
  private timer: NodeJS.Timeout | undefined;
  /** Why the client's signal fired before the request was on a socket (undici hands over `abort` then). */
  private cancelled: Error | undefined;
  private status = 0;
  private headers: Record<string, string> = {};
  private readonly chunks: Buffer[] = [];
  private bytes = 0;
  /** The answer's Content-Length; NaN when it has none (chunked). */
  private expected = Number.NaN;

  constructor(url: string, limitMs: number, resolve: (answer: SubgraphAnswer) => void, reject: (err: Error) => void, signal: AbortSignal | undefined) {
    this.url = url;
    this.limitMs = limitMs;
    this.resolve = resolve;
    this.reject = reject;
    this.signal = signal && !signal.aborted ? signal : undefined;
    this.signal?.addEventListener('abort', this.onAbort);
  }

  onConnect(abort: (err?: Error) => void): void {
    this.abort = abort;
    if (this.cancelled) abort(this.cancelled);
  }

  onHeaders(statusCode: number, rawHeaders: Buffer[] | string[] | null): boolean {
    // 1xx: informational, the answer's own status follows.
    if (statusCode < 200) return true;
    this.status = statusCode;
    this.headers = headerRecord(rawHeaders ?? []);
    this.expected = Number(this.headers['content-length'] ?? Number.NaN);
    return true;
  }

  onData(chunk: Buffer): boolean {
    this.chunks.push(chunk);
    this.bytes += chunk.length;
    // More to come: undici's body timeout is per chunk, so an answer that trickles in would
    // outlast the limit. Most answers arrive whole in the chunk that carried their head, and need no timer.
    if (this.timer === undefined && !(this.bytes >= this.expected)) this.holdToLimit();
    return true;
  }

  onComplete(): void {
    this.done();
    const body = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.bytes);
    this.resolve({ url: this.url, status: this.status, headers: this.headers, text: body.toString('utf8') });
  }

  onError(err: Error): void {
    this.done();
    this.reject(err);
  }

  /**
   * Holds the whole fetch to `limitMs` from its start: past it, the fetch fails as undici's own
   * timeouts would (headers timeout before the status line, body timeout after). undici's
   * headers timeout starts only once the request is on a socket, and its body timeout counts
   * the pause between two chunks: so a fetch that finds no free socket is held from the start
   * (`createSubgraphFetcher`), and an answer that arrives in pieces from its first one.
   */
  holdToLimit(): void {
    const leftMs = this.limitMs - (performance.now() - this.startedAt);
    this.timer = setTimeout(() => this.stop(this.status === 0 ? new errors.HeadersTimeoutError() : new errors.BodyTimeoutError()), Math.max(0, leftMs));
  }

  private readonly onAbort = (): void => {
    const reason = this.signal?.reason as unknown;
    this.stop(reason instanceof Error ? reason : new DOMException('This operation was aborted', 'AbortError'));
  };

  private stop(err: Error): void {
    if (this.abort) {
      this.abort(err);
      return;
    }
    // Still queued for a socket: undici hands over `abort` only when it is about to write it.
    // The caller is told now; the request is dropped, unsent, when its turn comes.
    this.cancelled = err;
    this.onError(err);
  }

  private done(): void {
    clearTimeout(this.timer);
    this.signal?.removeEventListener('abort', this.onAbort);
  }
}

/** undici's raw headers ([name, value, name, value, …]) as names in lower case, repeated values joined. */
function headerRecord(raw: readonly (Buffer | string)[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i]!.toString('latin1').toLowerCase();
    const value = raw[i + 1]!.toString('latin1');
    const seen = record[name];
    record[name] = seen === undefined ? value : `${seen}, ${value}`;
  }
  return record;
}
