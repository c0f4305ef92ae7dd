import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export type AttemptOutcome = number | 'network_error' | 'timeout';

/**
 * One delivery attempt: a POST that answers the HTTP status, 'network_error' or 'timeout'.
 * A fresh connection per attempt (no keep-alive pool), so that aborting `signal` on close
 * leaves no socket behind, and a receiver's idle timeout can never fail an attempt.
 */
export function postWebhook(url: URL, body: string, headers: Record<string, string>, timeoutMs: number, signal: AbortSignal): Promise<AttemptOutcome> {
  return new Promise((resolve) => {
    let settled = false;
    const settle = (outcome: AttemptOutcome): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(outcome);
    };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, {
      method: 'POST',
      agent: false,
      signal,
      headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), connection: 'close' },
    });
    const timer = setTimeout(() => {
      settle('timeout');
      req.destroy();
    }, timeoutMs);
    req.on('response', (res) => {
      settle(res.statusCode ?? 0);
      res.resume(); // the body is not read; the connection closes once it is drained
      res.on('error', () => undefined);
    });
    req.on('error', () => settle('network_error'));
    req.end(body);
  });
}
