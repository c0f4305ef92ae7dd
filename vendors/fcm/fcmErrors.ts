import type { RouteResponse } from '../sandbox/types.js';

/** FCM HTTP v1's error codes (google.firebase.fcm.v1.ErrorCode) that the sandbox answers with. */
export type FcmErrorCode =
  | 'INVALID_ARGUMENT'
  | 'UNREGISTERED'
  | 'SENDER_ID_MISMATCH'
  | 'QUOTA_EXCEEDED'
  | 'UNAVAILABLE'
  | 'INTERNAL'
  | 'THIRD_PARTY_AUTH_ERROR';

export const FCM_ERROR_TYPE = 'type.googleapis.com/google.firebase.fcm.v1.FcmError';
const BAD_REQUEST_TYPE = 'type.googleapis.com/google.rpc.BadRequest';
const ERROR_INFO_TYPE = 'type.googleapis.com/google.rpc.ErrorInfo';

export interface FieldViolation {
  field: string;
  description: string;
}

/** Google's error envelope (google.rpc.Status as JSON): `{ error: { code, message, status, details } }`. */
export interface GoogleErrorBody {
  error: { code: number; message: string; status: string; details?: Record<string, unknown>[] };
}

/** A refusal of the FCM API, answered in Google's envelope rather than the sandbox's branded shape. */
export class FcmError extends Error {
  constructor(
    readonly status: number,
    readonly body: GoogleErrorBody,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(body.error.message);
    this.name = 'FcmError';
  }

  toResponse(): RouteResponse {
    return { status: this.status, body: this.body, headers: { ...this.headers } };
  }
}

const GRPC_STATUS: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
};

const fcmDetail = (errorCode: FcmErrorCode) => ({ '@type': FCM_ERROR_TYPE, errorCode });

/** FCM's body for `code` with an FcmError detail, e.g. for a scripted answer. */
export function fcmErrorBody(status: number, errorCode: FcmErrorCode, message: string, extraDetails: Record<string, unknown>[] = []): GoogleErrorBody {
  return { error: { code: status, message, status: GRPC_STATUS[status] ?? 'UNKNOWN', details: [...extraDetails, fcmDetail(errorCode)] } };
}

/** 400: a message FCM cannot send. Field problems carry a google.rpc.BadRequest before the FcmError, as FCM does. */
export function invalidArgument(message: string, violations: FieldViolation[] = []): FcmError {
  const badRequest = violations.length === 0 ? { '@type': BAD_REQUEST_TYPE } : { '@type': BAD_REQUEST_TYPE, fieldViolations: violations };
  return new FcmError(400, fcmErrorBody(400, 'INVALID_ARGUMENT', message, [badRequest]));
}

export const invalidToken = (): FcmError => new FcmError(400, fcmErrorBody(400, 'INVALID_ARGUMENT', 'The registration token is not a valid FCM registration token'));

export const unregistered = (): FcmError => new FcmError(404, fcmErrorBody(404, 'UNREGISTERED', 'Requested entity was not found.'));

export const senderIdMismatch = (): FcmError => new FcmError(403, fcmErrorBody(403, 'SENDER_ID_MISMATCH', 'SenderId mismatch'));

export const QUOTA_MESSAGE = "Quota exceeded for quota metric 'Send requests' and limit 'Send requests per minute' of service 'fcm.googleapis.com'.";

export const quotaExceeded = (retryAfterS: number): FcmError =>
  new FcmError(429, fcmErrorBody(429, 'QUOTA_EXCEEDED', QUOTA_MESSAGE), { 'retry-after': String(retryAfterS) });

export const UNAVAILABLE_MESSAGE = 'The service is currently unavailable.';

/** Google's IAM refusal: the credentials' project may not send for the project in the URL. */
export function projectPermissionDenied(project: string): FcmError {
  const message = `Permission 'cloudmessaging.messages.create' denied on resource '//cloudresourcemanager.googleapis.com/projects/${project.slice(0, 100)}' (or it may not exist).`;
  return new FcmError(403, {
    error: {
      code: 403,
      message,
      status: 'PERMISSION_DENIED',
      details: [{ '@type': ERROR_INFO_TYPE, reason: 'IAM_PERMISSION_DENIED', domain: 'cloudresourcemanager.googleapis.com', metadata: { permission: 'cloudmessaging.messages.create' } }],
    },
  });
}

export type AuthFailure = 'CREDENTIALS_MISSING' | 'ACCESS_TOKEN_TYPE_UNSUPPORTED' | 'ACCESS_TOKEN_EXPIRED';

/** 401 as Google's front end answers it, with the challenge OAuth clients look for. */
export function unauthenticated(reason: AuthFailure): FcmError {
  const lead = reason === 'CREDENTIALS_MISSING' ? 'Request is missing required authentication credential.' : 'Request had invalid authentication credentials.';
  const message = `${lead} Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.`;
  return new FcmError(
    401,
    {
      error: {
        code: 401,
        message,
        status: 'UNAUTHENTICATED',
        details: [{ '@type': ERROR_INFO_TYPE, reason, domain: 'googleapis.com', metadata: { service: 'fcm.googleapis.com', method: 'google.firebase.fcm.v1.FcmService.SendMessage' } }],
      },
    },
    { 'www-authenticate': reason === 'CREDENTIALS_MISSING' ? 'Bearer realm="https://accounts.google.com/"' : 'Bearer realm="https://accounts.google.com/", error="invalid_token"' },
  );
}
