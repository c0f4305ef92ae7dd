/**
 * What a mobile client got, as the home-screen bench counts it:
 *   full     HTTP 2xx, the products are there and there is no error at all;
 *   partial  HTTP 2xx with any error (e.g. ratings null with VENDOR_TIMEOUT): the app
 *            shows a degraded screen, so it is counted apart and never as a success;
 *   failed   anything else: a non-2xx status, a body that is not a GraphQL answer, no data.
 * Transport failures (refused, reset, timed out) never reach this function: the caller
 * counts them as failed.
 */
export type Outcome = 'full' | 'partial' | 'failed';

export function classifyAnswer(status: number, body: string): Outcome {
  if (status < 200 || status > 299) return 'failed';
  let answer: unknown;
  try {
    answer = JSON.parse(body);
  } catch {
    return 'failed';
  }
  if (typeof answer !== 'object' || answer === null) return 'failed';
  const { data, errors } = answer as { data?: { products?: unknown } | null; errors?: unknown };
  const hasData = typeof data === 'object' && data !== null && data.products !== null && data.products !== undefined;
  if (!hasData) return 'failed';
  // An `errors` key that is present at all (even empty or malformed) is not a clean answer.
  return errors === undefined ? 'full' : 'partial';
}
