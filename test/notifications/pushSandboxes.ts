/** What the push sandboxes received, read through their control routes (HTTP/1.1 on both). */
export interface PushSandboxes {
  /** FCM messages to `token`: collapse key, data, notification. */
  fcm(token: string): Promise<{ token: string; collapseKey: string | null; notification?: { title?: string; body?: string }; data?: Record<string, string> }[]>;
  /** APNs notifications to `token`: collapse id, payload. */
  apns(token: string): Promise<{ token: string; collapseId: string | null; topic: string; payload: { aps?: { alert?: { title?: string; body?: string } } } }[]>;
  /** Every later send to this token is answered as for an uninstalled app (FCM 404 UNREGISTERED, APNs 410 Unregistered). */
  unregister(platform: 'IOS' | 'ANDROID', token: string): Promise<void>;
  /** Both logs together: how many pushes left for these tokens. */
  count(tokens: readonly string[]): Promise<number>;
}

async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const res = await fetch(url, init);
  if (!res.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

export function pushSandboxes(urls: { fcm: string; apns: string }): PushSandboxes {
  const api: PushSandboxes = {
    async fcm(token) {
      const { messages } = await json<{ messages: Awaited<ReturnType<PushSandboxes['fcm']>> }>(`${urls.fcm}/__sandbox/messages`);
      return messages.filter((m) => m.token === token);
    },
    async apns(token) {
      const { notifications } = await json<{ notifications: Awaited<ReturnType<PushSandboxes['apns']>> }>(
        `${urls.apns}/__sandbox/notifications?token=${encodeURIComponent(token)}`,
      );
      return notifications;
    },
    async unregister(platform, token) {
      const base = platform === 'IOS' ? urls.apns : urls.fcm;
      await json(`${base}/__sandbox/devices/unregister`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
    },
    async count(tokens) {
      let n = 0;
      for (const token of tokens) n += (await api.fcm(token)).length + (await api.apns(token)).length;
      return n;
    },
  };
  return api;
}
