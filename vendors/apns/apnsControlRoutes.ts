import type { ControlRoute } from '../sandbox/types.js';
import { VendorHttpError } from '../sandbox/VendorHttpError.js';
import type { NotificationLog } from './NotificationLog.js';
import type { UnregisteredDevices } from './UnregisteredDevices.js';

const DEVICE_TOKEN = /^[0-9a-f]{64}$/i;

const optionalQuery = (query: URLSearchParams, name: string): string | undefined => query.get(name) ?? undefined;

/**
 * The push vendor's own controls: tell it a device is gone (later sends → 410 Unregistered
 * with the time), and read or clear what it accepted.
 */
export function apnsControlRoutes(log: NotificationLog, unregistered: UnregisteredDevices, clock: () => number): ControlRoute[] {
  return [
    {
      method: 'POST',
      path: '/__sandbox/devices/unregister',
      handle: ({ body }) => {
        const { token, timestamp } = (body ?? {}) as { token?: unknown; timestamp?: unknown };
        const problems: string[] = [];
        if (typeof token !== 'string' || !DEVICE_TOKEN.test(token)) problems.push('token must be a device token of 64 hex characters');
        if (timestamp !== undefined && !(Number.isInteger(timestamp) && (timestamp as number) >= 0)) problems.push('timestamp, when given, must be epoch ms');
        if (problems.length > 0) throw VendorHttpError.badRequest(problems.join('; '), { problems });
        const at = unregistered.unregister(token as string, (timestamp as number | undefined) ?? clock());
        return { token: (token as string).toLowerCase(), timestamp: at };
      },
    },
    { method: 'GET', path: '/__sandbox/devices', handle: () => ({ unregistered: unregistered.list() }) },
    {
      method: 'DELETE',
      path: '/__sandbox/devices',
      handle: () => {
        unregistered.clear();
        return { unregistered: [] };
      },
    },
    {
      method: 'GET',
      path: '/__sandbox/notifications',
      handle: ({ query }) => log.list({ token: optionalQuery(query, 'token'), topic: optionalQuery(query, 'topic') }),
    },
    {
      method: 'DELETE',
      path: '/__sandbox/notifications',
      handle: () => {
        log.clear();
        return log.list();
      },
    },
  ];
}
