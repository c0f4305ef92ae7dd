import { CONTROL_PREFIX } from '../../sandbox/handleControl.js';
import type { ControlRoute } from '../../sandbox/types.js';
import type { SigningKeyRing } from './signingKeys.js';

/** `GET /__sandbox/keys`, `POST /__sandbox/keys/rotate`, `POST /__sandbox/keys/retire`: kids and states, never key material. */
export function keysControlRoutes(keys: SigningKeyRing): ControlRoute[] {
  return [
    { method: 'GET', path: `${CONTROL_PREFIX}/keys`, handle: () => ({ activeKid: keys.activeKid(), keys: keys.list() }) },
    { method: 'POST', path: `${CONTROL_PREFIX}/keys/rotate`, handle: () => keys.rotate() },
    { method: 'POST', path: `${CONTROL_PREFIX}/keys/retire`, handle: () => keys.retire() },
  ];
}
