import type { ControlRoute, RateLimit } from '../sandbox/types.js';
import { VendorHttpError } from '../sandbox/VendorHttpError.js';
import type { PushRecords } from './PushRecords.js';
import type { SendQuota } from './sendRoute.js';

type Obj = Record<string, unknown>;

function objectBody(body: unknown, expected: string): Obj {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw VendorHttpError.badRequest(`body must be a JSON object ${expected}`);
  return body as Obj;
}

function tokenOf(body: unknown): string {
  const { token } = objectBody(body, '{ token }');
  if (typeof token !== 'string' || token.length === 0 || token.length > 4096) throw VendorHttpError.badRequest("'token' must be a non-empty string of at most 4096 characters");
  return token;
}

function quotaOf(body: unknown): RateLimit | null {
  if (body === null) return null;
  const { limit, windowMs, ...rest } = objectBody(body, '{ limit, windowMs } or null');
  const problems: string[] = Object.keys(rest).map((k) => `unknown field '${k}'`);
  if (!Number.isInteger(limit) || (limit as number) < 0) problems.push("'limit' must be an integer >= 0");
  if (!Number.isInteger(windowMs) || (windowMs as number) < 1) problems.push("'windowMs' must be an integer >= 1");
  if (problems.length > 0) throw new VendorHttpError(400, 'invalid_quota', problems.join('; '), { problems });
  return { limit: limit as number, windowMs: windowMs as number };
}

/** The push-specific controls (no key, never counted): device states, the message log, FCM's send quota. */
export function pushControlRoutes(records: PushRecords, quota: SendQuota): ControlRoute[] {
  return [
    {
      method: 'POST',
      path: '/__sandbox/devices/unregister',
      handle: ({ body }) => {
        const token = tokenOf(body);
        records.unregister(token);
        return { token, state: 'unregistered' };
      },
    },
    {
      method: 'POST',
      path: '/__sandbox/devices/move',
      handle: ({ body }) => {
        const token = tokenOf(body);
        const { project } = body as Obj;
        if (typeof project !== 'string' || project.length === 0 || project.length > 100) throw VendorHttpError.badRequest("'project' must be a non-empty string");
        records.moveToProject(token, project);
        return { token, project };
      },
    },
    { method: 'GET', path: '/__sandbox/devices', handle: () => records.devices() },
    {
      method: 'DELETE',
      path: '/__sandbox/devices',
      handle: () => {
        records.resetDevices();
        return records.devices();
      },
    },
    { method: 'GET', path: '/__sandbox/messages', handle: () => records.messages() },
    {
      method: 'DELETE',
      path: '/__sandbox/messages',
      handle: () => {
        records.clearMessages();
        return records.messages();
      },
    },
    { method: 'GET', path: '/__sandbox/quota', handle: () => ({ quota: quota.get() }) },
    { method: 'PUT', path: '/__sandbox/quota', handle: ({ body }) => ({ quota: quota.set(quotaOf(body === undefined ? {} : body)) }) },
    { method: 'DELETE', path: '/__sandbox/quota', handle: () => ({ quota: quota.set(null) }) },
  ];
}
