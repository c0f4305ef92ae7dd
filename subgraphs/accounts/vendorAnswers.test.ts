import { describe, expect, it } from 'vitest';
import type { Viewer } from '../../platform/identity/Viewer.js';
import { createLogger } from '../../platform/log/createLogger.js';
import { executeAs } from '../../test/harness/executeAs.js';
import { findLeaks } from '../../test/harness/leaks.js';
import { useSubgraphOnSandbox } from '../../test/harness/useSubgraphOnSandbox.js';
import { parseAccountsConfig } from './config.js';
import { createAccountsSubgraph } from './server.js';

/*
 * What the identity vendor answers about users is checked before it reaches a phone (issue
 * 7, item 9): names of one line (≤ 80, no control characters), https avatars, ids in the
 * vendor's shape. Each bad value is scripted at the sandbox vendor and must come out as
 * null + VENDOR_BAD_RESPONSE for that user only, with nothing of the bad value in the answer.
 */
const logger = createLogger({ service: 'accounts-answers-test', level: 'silent' });
const USERS = `query ($reps: [_Any!]!) { _entities(representations: $reps) { ... on User { id displayName avatarUrl } } }`;

const suite = useSubgraphOnSandbox({
  name: 'accounts-answers-test',
  logger,
  create: ({ sandbox, ...deps }) =>
    createAccountsSubgraph({
      ...deps,
      config: parseAccountsConfig({
        ACCOUNTS_VENDOR_URL: sandbox.identity.url,
        ACCOUNTS_VENDOR_KEY: sandbox.identity.apiKey,
        ACCOUNTS_CACHE_TTL_MS: '0',
        ACCOUNTS_RETRY_MAX_ATTEMPTS: '1',
        LOG_LEVEL: 'silent',
      }),
    }),
});

const codes = (errors: readonly { extensions?: Record<string, unknown> }[] | undefined) => (errors ?? []).map((e) => e.extensions?.code);
const answer = (body: unknown) => suite.sandbox.identity.control.setFaults({ script: [{ status: 200, body }] });
const user = (id: string, change: Record<string, unknown> = {}) => ({
  user_id: id,
  name: `Name of ${id}`,
  picture: `https://images.example.com/avatars/${id}.png`,
  email: `${id}@example.com`,
  created_at: '2025-01-01T00:00:00Z',
  ...change,
});
const users = (ids: readonly string[]) => executeAs(suite.service, null, USERS, { variables: { reps: ids.map((id) => ({ __typename: 'User', id })) } });

describe('accounts: a user that fails its checks is null + VENDOR_BAD_RESPONSE, the others are served', () => {
  it.each([
    { bad: 'a 200 KB name', change: { name: 'N'.repeat(200 * 1024) }, trace: 'NNNNNNNN' },
    { bad: 'NUL characters in the name', change: { name: 'Eve\u0000Admin' }, trace: 'Eve' },
    { bad: 'a javascript: avatar URL', change: { picture: 'javascript:alert(1)' }, trace: 'javascript:' },
    { bad: 'a data: avatar URL', change: { picture: 'data:image/svg+xml,<svg onload=alert(1)>' }, trace: 'data:' },
    { bad: 'a name with a line break', change: { name: 'Two\nlines' }, trace: 'Two' },
  ])('$bad', async ({ change, trace }) => {
    answer({ users: [user('usr_0201'), user('usr_0202', change)] });
    const res = await users(['usr_0201', 'usr_0202']);
    expect(res.data._entities).toEqual([
      { id: 'usr_0201', displayName: 'Name of usr_0201', avatarUrl: 'https://images.example.com/avatars/usr_0201.png' },
      null,
    ]);
    expect(codes(res.errors)).toEqual(['VENDOR_BAD_RESPONSE']);
    const text = JSON.stringify(res);
    expect(text).not.toContain(trace);
    expect(text.length).toBeLessThan(5000);
    expect(findLeaks(text, suite.sandbox)).toEqual([]);
  });
});

describe('accounts: a vendor 4xx on a read', () => {
  const viewer: Viewer = { userId: 'usr_0203', scopes: ['openid', 'profile'] };
  it.each([400, 422])('%i to `me` (a query with no arguments) → VENDOR_UNAVAILABLE, never BAD_USER_INPUT', async (status) => {
    suite.sandbox.identity.control.setFaults({ script: [{ status }] });
    const res = await executeAs(suite.service, viewer, '{ me { id displayName } }');
    expect(res.data.me).toBeNull();
    expect(codes(res.errors)).toEqual(['VENDOR_UNAVAILABLE']);
  });
});
