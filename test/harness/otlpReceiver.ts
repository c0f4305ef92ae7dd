import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

export interface OtlpJsonSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: { key: string; value: { stringValue?: string; intValue?: string | number } }[];
}

export interface OtlpJsonExport {
  resourceSpans: { resource: { attributes: { key: string; value: { stringValue?: string } }[] }; scopeSpans: { spans: OtlpJsonSpan[] }[] }[];
}

/** One request the receiver was sent, its body (gunzipped when it came compressed) parsed as OTLP/JSON. */
export interface OtlpRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: OtlpJsonExport;
}

export interface OtlpReceiver {
  readonly url: string;
  /** Every request, in the order received. */
  readonly exports: OtlpRequest[];
  close(): Promise<void>;
}

/** The spans one export carried, across its resources and scopes. */
export function spansOf(request: OtlpRequest): OtlpJsonSpan[] {
  return request.body.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
}

/** A stand-in OpenTelemetry collector on loopback: answers `status` to every OTLP/HTTP export, and keeps each one. */
export async function startOtlpReceiver(status = 200): Promise<OtlpReceiver> {
  const exports: OtlpRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const text = (req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString();
      const body = (text === '' ? { resourceSpans: [] } : JSON.parse(text)) as OtlpJsonExport;
      exports.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
      res.writeHead(status, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    exports,
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}
