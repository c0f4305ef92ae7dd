import { request } from 'node:http';

/**
 * One readiness probe: true when `url` answers 2xx within `timeoutMs`. node:http, not
 * fetch: fetch refuses the ports browsers block (6000, 6665–6669, 6697, …), which are
 * perfectly good ports for a service.
 */
export function probeReady(url: string, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(url, { method: 'GET', timeout: timeoutMs, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', () => resolve(false));
    req.end();
  });
}

/**
 * Probes until ready. Rejects after `timeoutMs` (make it generous: it only matters when
 * something is wrong), or with `AbortError` when `signal` aborts (stopping).
 */
export async function waitReady(name: string, url: string, timeoutMs: number, signal?: AbortSignal): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!signal?.aborted) {
    if (await probeReady(url, Math.min(5_000, Math.max(1, deadline - Date.now())))) return;
    if (Date.now() >= deadline) throw new Error(`${name} did not become ready at ${url} within ${Math.round(timeoutMs / 1000)} s`);
    await new Promise((r) => setTimeout(r, 150));
  }
}
