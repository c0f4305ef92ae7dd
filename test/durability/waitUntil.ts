/**
 * Polls `condition` every `intervalMs` until it holds; rejects after `timeoutMs` naming
 * `what` (or at once with whatever `condition` throws). A wait, not a measure of speed:
 * give it a generous timeout.
 */
export async function waitUntil(condition: () => Promise<boolean>, options: { timeoutMs: number; what: string; intervalMs?: number }): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    if (await condition()) return;
    if (Date.now() > deadline) throw new Error(`gave up after ${options.timeoutMs} ms waiting for ${options.what}`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 20));
  }
}
