import { int, url } from '../config/setting.js';
import { envPrefix, SANDBOX_EVENTS_SECRET, subgraphEntry, subgraphEventsEnv } from '../registry/services.js';
import { signingSecretSetting } from './signingSecretSetting.js';

/**
 * A producer's settings (an entry with `emitsTo`): `<NAME>_EVENTS_URL` (default: the consumer
 * at its registry port and `eventsPath` on this machine, as npm start runs it),
 * `<NAME>_EVENTS_SECRET` (default: the sandbox's) and `<NAME>_EVENTS_TIMEOUT_MS`.
 */
export function eventSenderSettings(name: string) {
  const producer = subgraphEntry(name);
  if (producer.emitsTo === undefined) throw new Error(`${name} emits no events (no emitsTo in platform/registry/services.ts)`);
  const consumer = subgraphEntry(producer.emitsTo);
  const env = subgraphEventsEnv(name);
  return {
    eventsUrl: url(env.url, {
      default: `http://127.0.0.1:${consumer.port}${consumer.eventsPath ?? '/events'}`,
      description: `Where ${name}'s events are delivered: the ${consumer.name} service's events endpoint.`,
    }),
    eventsSecret: signingSecretSetting(env.secret, {
      sandboxDefault: SANDBOX_EVENTS_SECRET,
      description: `Secret ${name}'s events are signed with (Standard Webhooks): one of the ${consumer.name} service's ${subgraphEventsEnv(consumer.name).secrets}.`,
    }),
    eventsTimeoutMs: int(`${envPrefix(name)}_EVENTS_TIMEOUT_MS`, {
      default: 5000,
      min: 100,
      max: 60_000,
      unit: 'ms',
      description: 'One delivery attempt of an event past this is abandoned, and retried later.',
    }),
  };
}
