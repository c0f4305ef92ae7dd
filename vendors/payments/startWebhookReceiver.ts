import { createServer, type IncomingHttpHeaders } from 'node:http';
import { Webhook } from 'standardwebhooks';
import type { PaylaneEvent } from './paylaneObjects.js';

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  /** The raw body, exactly as signed. */
  body: string;
  event: PaylaneEvent;
  /** The status answered. */
  status: number;
}

export interface WebhookReceiver {
  /** e.g. `http://127.0.0.1:41234/webhooks` */
  readonly url: string;
  readonly received: ReceivedWebhook[];
  /** Statuses to answer next, in order (then 200 again); 'hang' never answers. */
  answerNext(...answers: (number | 'hang')[]): void;
  /** Whether `received[i]` verifies with `secret` (Standard Webhooks, 5-minute tolerance). */
  verifies(hook: ReceivedWebhook, secret: string): boolean;
  /** Polls until `predicate` holds; throws after `timeoutMs`. */
  waitFor(predicate: (received: readonly ReceivedWebhook[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** A tiny webhook endpoint on loopback port 0 for tests: records every delivery and answers as told. */
export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const answers: (number | 'hang')[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = answers.shift() ?? 200;
      const body = Buffer.concat(chunks).toString('utf8');
      received.push({ headers: req.headers, body, event: JSON.parse(body) as PaylaneEvent, status: answer === 'hang' ? 0 : answer });
      if (answer !== 'hang') res.writeHead(answer, { 'content-type': 'text/plain' }).end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}/webhooks`,
    received,
    answerNext: (...next) => void answers.push(...next),
    verifies(hook, secret) {
      try {
        new Webhook(secret).verify(hook.body, hook.headers as Record<string, string>);
        return true;
      } catch {
        return false;
      }
    },
    async waitFor(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(received)) {
        if (Date.now() > deadline) throw new Error(`webhook receiver: condition not met after ${timeoutMs} ms (${received.length} received)`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
