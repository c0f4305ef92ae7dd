/**
 * One HTTP call of a sandbox vendor's typed client (tests, demos, benchmarks): the answer's
 * status, headers and body, parsed as JSON when it is JSON (else kept as text, for the
 * client's error message). Each client decides which statuses are results and which throw.
 */
export async function fetchJson(url: string, init: RequestInit = {}): Promise<{ status: number; body: unknown; headers: Headers }> {
  const res = await fetch(url, init);
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // kept as text
  }
  return { status: res.status, body, headers: res.headers };
}
