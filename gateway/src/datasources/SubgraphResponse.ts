import { STATUS_CODES } from 'node:http';
import type { FetcherHeaders, FetcherResponse } from '@apollo/utils.fetcher';

/** A subgraph's answer as read off the wire, once: shared by every caller of a deduplicated fetch (strings are immutable). */
export interface SubgraphAnswer {
  readonly url: string;
  readonly status: number;
  /** Header names in lower case, as undici hands them over. */
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  /** The body, decoded from UTF-8 once. */
  readonly text: string;
}

/**
 * What RemoteGraphQLDataSource needs from its `fetcher` (status, ok, headers, `json()` or
 * `text()` by content type), over an answer already read in full. Each caller gets its own:
 * `json()` parses the shared text again, so no two requests ever hold the same mutable
 * object (Apollo merges subgraph data into the response it is building). The body may be
 * read once, as with fetch.
 */
export class SubgraphResponse implements FetcherResponse {
  readonly url: string;
  readonly status: number;
  readonly ok: boolean;
  readonly statusText: string;
  readonly redirected = false;
  readonly headers: ResponseHeaders;
  private readonly body: string;
  private used = false;

  constructor(answer: SubgraphAnswer) {
    this.url = answer.url;
    this.status = answer.status;
    this.ok = answer.status >= 200 && answer.status <= 299;
    this.statusText = STATUS_CODES[answer.status] ?? '';
    this.headers = new ResponseHeaders(answer.headers);
    this.body = answer.text;
  }

  get bodyUsed(): boolean {
    return this.used;
  }

  // Failures are rejections, as with fetch's Response, never synchronous throws.
  async text(): Promise<string> {
    return this.consume();
  }

  async json(): Promise<unknown> {
    return JSON.parse(this.consume()) as unknown;
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = Buffer.from(this.consume(), 'utf8');
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  clone(): SubgraphResponse {
    if (this.used) throw new TypeError('Response body is already used');
    return new SubgraphResponse({ url: this.url, status: this.status, headers: this.headers.record(), text: this.body });
  }

  private consume(): string {
    if (this.used) throw new TypeError('Response body is already used');
    this.used = true;
    return this.body;
  }
}

/** The response headers as the Fetch API reads them (case-insensitive, repeated values joined), over a copy of undici's record. */
class ResponseHeaders implements FetcherHeaders {
  private readonly values_: Map<string, string>;

  constructor(raw: Readonly<Record<string, string | string[] | undefined>>) {
    this.values_ = new Map();
    for (const name in raw) {
      const value = raw[name];
      if (value !== undefined) this.values_.set(name.toLowerCase(), Array.isArray(value) ? value.join(', ') : value);
    }
  }

  get(name: string): string | null {
    return this.values_.get(name.toLowerCase()) ?? null;
  }

  has(name: string): boolean {
    return this.values_.has(name.toLowerCase());
  }

  set(name: string, value: string): void {
    this.values_.set(name.toLowerCase(), value);
  }

  append(name: string, value: string): void {
    const key = name.toLowerCase();
    const current = this.values_.get(key);
    this.values_.set(key, current === undefined ? value : `${current}, ${value}`);
  }

  delete(name: string): void {
    this.values_.delete(name.toLowerCase());
  }

  entries(): IterableIterator<[string, string]> {
    return this.values_.entries();
  }

  keys(): IterableIterator<string> {
    return this.values_.keys();
  }

  values(): IterableIterator<string> {
    return this.values_.values();
  }

  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.values_.entries();
  }

  /** A plain copy, for a clone. */
  record(): Record<string, string> {
    return Object.fromEntries(this.values_);
  }
}
