import type { IncomingMessage, ServerResponse } from 'node:http';
import { BodyTooLargeError, parseJson, readBody, sendJson } from './json.js';
import type { ControlRoute, VendorControl } from './types.js';
import { validateFaults } from './validateFaults.js';
import { VendorHttpError } from './VendorHttpError.js';

export const CONTROL_PREFIX = '/__sandbox';

const controlError = (type: string, message: string, extra: Record<string, unknown> = {}) => ({ error: { type, message, ...extra } });

/**
 * The control surface for humans and the benchmark: `/__sandbox/faults`, `/stats`, `/health`,
 * plus the vendor's own `extraRoutes`. It needs no vendor key and is never counted as an API call.
 */
export async function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  path: string,
  vendor: { name: string; brand: string; control: VendorControl; extraRoutes?: readonly ControlRoute[] },
): Promise<void> {
  const method = req.method ?? 'GET';
  const { control } = vendor;
  const allow = (methods: string[]): boolean => {
    if (methods.includes(method)) return true;
    sendJson(res, 405, controlError('method_not_allowed', `${method} ${path} is not supported; use ${methods.join(', ')}`), {
      allow: methods.join(', '),
    });
    return false;
  };

  switch (path) {
    case `${CONTROL_PREFIX}/health`:
      if (allow(['GET'])) sendJson(res, 200, { status: 'ok', vendor: vendor.name });
      return;
    case `${CONTROL_PREFIX}/stats`:
      if (!allow(['GET', 'DELETE'])) return;
      if (method === 'DELETE') control.resetStats();
      sendJson(res, 200, control.stats());
      return;
    case `${CONTROL_PREFIX}/faults`:
      if (!allow(['GET', 'PUT', 'DELETE'])) return;
      if (method === 'GET') sendJson(res, 200, control.faults());
      else if (method === 'DELETE') sendJson(res, 200, control.resetFaults());
      else await putFaults(req, res, control);
      return;
    default: {
      const extras = (vendor.extraRoutes ?? []).filter((r) => r.path === path);
      if (extras.length === 0) {
        sendJson(res, 404, controlError('not_found', `no control endpoint ${path}; try ${CONTROL_PREFIX}/faults, /stats or /health`));
        return;
      }
      if (!allow(extras.map((r) => r.method))) return;
      const route = extras.find((r) => r.method === method) as ControlRoute;
      const body = await readControlBody(req, res);
      if (body === null) return;
      try {
        sendJson(res, 200, await route.handle({ body: body.value, query: new URL(req.url ?? '/', 'http://sandbox.invalid').searchParams }));
      } catch (err) {
        if (!(err instanceof VendorHttpError)) throw err;
        sendJson(res, err.status, controlError(err.type, err.message, err.details));
      }
    }
  }
}

/** The parsed JSON body (`value` undefined when empty), or null once a 400/413 has been answered. */
async function readControlBody(req: IncomingMessage, res: ServerResponse): Promise<{ value: unknown } | null> {
  let text: string;
  try {
    text = await readBody(req);
  } catch (err) {
    if (err instanceof BodyTooLargeError) sendJson(res, 413, controlError('request_too_large', err.message), { connection: 'close' });
    return null;
  }
  if (text.trim().length === 0) return { value: undefined };
  const parsed = parseJson(text);
  if (!parsed.ok) {
    sendJson(res, 400, controlError('invalid_json', `body must be JSON: ${parsed.reason}`));
    return null;
  }
  return { value: parsed.value };
}

async function putFaults(req: IncomingMessage, res: ServerResponse, control: VendorControl): Promise<void> {
  let text: string;
  try {
    text = await readBody(req);
  } catch (err) {
    if (err instanceof BodyTooLargeError) sendJson(res, 413, controlError('request_too_large', err.message), { connection: 'close' });
    return;
  }
  const parsed = parseJson(text);
  if (!parsed.ok) {
    sendJson(res, 400, controlError('invalid_json', `body must be a JSON object of faults: ${parsed.reason}`));
    return;
  }
  const checked = validateFaults(parsed.value);
  if (!checked.ok) {
    sendJson(res, 400, controlError('invalid_faults', checked.problems.join('; '), { problems: checked.problems }));
    return;
  }
  sendJson(res, 200, control.setFaults(checked.value));
}
