import { request, type Agent } from 'undici';
import { classifyAnswer, type Outcome } from './classifyAnswer.js';

export interface Sent {
  readonly id: string;
  /** Epoch ms on the wall clock (Date.now(), as the sandbox stamps arrivals), `end` from it at performance.now()'s resolution. */
  readonly start: number;
  readonly end: number;
  readonly outcome: Outcome;
  /** The answer's `age` header: set when the gateway's response cache served it. */
  readonly age: string | undefined;
}

/** One home screen with request id `id`, read and classified; a transport failure is `failed`. */
export async function sendHomeScreen(gatewayUrl: string, body: string, agent: Agent, id: string): Promise<Sent> {
  // Not performance.timeOrigin + performance.now(): that drifts from the wall clock the
  // sandbox reads (NTP slews one, not the other), by tens of ms over a long-lived process.
  const start = Date.now();
  const startedAt = performance.now();
  const epochNow = () => start + (performance.now() - startedAt);
  try {
    const res = await request(gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': id }, body, dispatcher: agent });
    const text = await res.body.text();
    const age = res.headers.age;
    return { id, start, end: epochNow(), outcome: classifyAnswer(res.statusCode, text), age: Array.isArray(age) ? age[0] : age };
  } catch {
    return { id, start, end: epochNow(), outcome: 'failed', age: undefined };
  }
}
