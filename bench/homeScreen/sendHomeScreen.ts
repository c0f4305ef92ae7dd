import { request, type Agent } from 'undici';
import { classifyAnswer, type Outcome } from './classifyAnswer.js';

export interface Sent {
  readonly id: string;
  /** Epoch ms, sub-millisecond: comparable with the sandbox's arrival times. */
  readonly start: number;
  readonly end: number;
  readonly outcome: Outcome;
  /** The answer's `age` header: set when the gateway's response cache served it. */
  readonly age: string | undefined;
}

const epochNow = () => performance.timeOrigin + performance.now();

/** One home screen with request id `id`, read and classified; a transport failure is `failed`. */
export async function sendHomeScreen(gatewayUrl: string, body: string, agent: Agent, id: string): Promise<Sent> {
  const start = epochNow();
  try {
    const res = await request(gatewayUrl, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': id }, body, dispatcher: agent });
    const text = await res.body.text();
    const age = res.headers.age;
    return { id, start, end: epochNow(), outcome: classifyAnswer(res.statusCode, text), age: Array.isArray(age) ? age[0] : age };
  } catch {
    return { id, start, end: epochNow(), outcome: 'failed', age: undefined };
  }
}
