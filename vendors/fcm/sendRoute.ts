import { FixedWindowRateLimiter } from '../sandbox/FixedWindowRateLimiter.js';
import type { RateLimit, Route, RouteRequest } from '../sandbox/types.js';
import type { AccessGrant, AccessTokens } from './AccessTokens.js';
import { FcmError, projectPermissionDenied, quotaExceeded, senderIdMismatch, unauthenticated, unregistered } from './fcmErrors.js';
import type { PushRecords } from './PushRecords.js';
import { CLOUD_PLATFORM_SCOPE, FCM_SCOPE } from './tokenEndpoint.js';
import { validateSendBody } from './validateMessage.js';

export const SEND_PATTERN = '/v1/projects/:project/messages:send';

/** FCM's send quota, per project, in FCM's own 429 (the sandbox's generic rate limit answers in its branded shape). */
export class SendQuota {
  private limit: RateLimit | null = null;
  private readonly windows = new FixedWindowRateLimiter();

  get(): RateLimit | null {
    return this.limit === null ? null : { ...this.limit };
  }

  set(limit: RateLimit | null): RateLimit | null {
    this.limit = limit === null ? null : { ...limit };
    this.windows.reset();
    return this.get();
  }

  /** Throws QUOTA_EXCEEDED with `Retry-After` when the project's window is used up. */
  take(project: string, now: number): void {
    if (this.limit === null) return;
    const decision = this.windows.check(project, this.limit, now);
    if (!decision.allowed) throw quotaExceeded(decision.retryAfterS);
  }
}

function grantOf(req: Pick<RouteRequest, 'headers'>, tokens: AccessTokens): AccessGrant {
  const header = req.headers.authorization;
  if (typeof header !== 'string' || header.trim() === '') throw unauthenticated('CREDENTIALS_MISSING');
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (match === null) throw unauthenticated('ACCESS_TOKEN_TYPE_UNSUPPORTED');
  const found = tokens.lookup(match[1] as string);
  if (found.kind === 'expired') throw unauthenticated('ACCESS_TOKEN_EXPIRED');
  if (found.kind === 'unknown') throw unauthenticated('ACCESS_TOKEN_TYPE_UNSUPPORTED');
  return found.grant;
}

const insufficientScopes = (): FcmError =>
  new FcmError(403, {
    error: {
      code: 403,
      message: 'Request had insufficient authentication scopes.',
      status: 'PERMISSION_DENIED',
      details: [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'ACCESS_TOKEN_SCOPE_INSUFFICIENT', domain: 'googleapis.com', metadata: { service: 'fcm.googleapis.com', method: 'google.firebase.fcm.v1.FcmService.SendMessage' } }],
    },
  });

/**
 * `POST /v1/projects/{project}/messages:send`, FCM HTTP v1: an OAuth 2 access token of a
 * service account of that project, one message to one device token. Checks run in FCM's order:
 * credentials, project permission, quota, the message, then the device token's state.
 */
export function sendRoute(deps: { tokens: AccessTokens; records: PushRecords; quota: SendQuota; clock: () => number }): Route {
  return {
    method: 'POST',
    pattern: SEND_PATTERN,
    // Auth is FCM's own (OAuth access tokens), not the sandbox's API key.
    public: true,
    handle(req) {
      try {
        const grant = grantOf(req, deps.tokens);
        const project = req.params.project as string;
        if (project !== grant.project) throw projectPermissionDenied(project);
        if (!grant.scopes.includes(FCM_SCOPE) && !grant.scopes.includes(CLOUD_PLATFORM_SCOPE)) throw insufficientScopes();
        deps.quota.take(project, deps.clock());
        const message = validateSendBody(req.body);
        if (message.validateOnly) return { status: 200, body: { name: `projects/${project}/messages/fake_message_id` } };
        const state = deps.records.stateOf(message.token, project);
        if (state === 'unregistered') throw unregistered();
        if (state === 'senderMismatch') throw senderIdMismatch();
        return { status: 200, body: { name: deps.records.record(project, message).name } };
      } catch (err) {
        if (err instanceof FcmError) return err.toResponse();
        throw err;
      }
    },
  };
}
