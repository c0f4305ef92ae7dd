import type { IncomingMessage } from 'node:http';

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`Request body exceeds ${limit} bytes.`);
    this.name = 'BodyTooLargeError';
  }
}

/** The client closed the connection before its request body was complete: nobody to answer, nothing wrong here. */
export class ClientGoneError extends Error {
  constructor() {
    super('The client closed the connection before its request body was complete.');
    this.name = 'ClientGoneError';
  }
}

/** Reads a request body, refusing (and stopping to read) past `limit` bytes. */
export async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return (await readBodyBytes(req, limit)).toString('utf8');
}

/** The body's bytes as sent (for a signature over exactly them), with the same limit and refusals as `readBody`. */
export function readBodyBytes(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(new BodyTooLargeError(limit));
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLargeError(limit));
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    let ended = false;
    req.on('end', () => {
      ended = true;
      resolve(Buffer.concat(chunks));
    });
    // A client hanging up mid-body: `aborted` (an ECONNRESET error) and/or `close` before `end`.
    req.on('error', (err: NodeJS.ErrnoException) => reject(req.destroyed || err.code === 'ECONNRESET' ? new ClientGoneError() : err));
    req.on('close', () => {
      if (!ended) reject(new ClientGoneError());
    });
  });
}
