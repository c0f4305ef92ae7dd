import { ATTR_ERROR_TYPE, ATTR_HTTP_REQUEST_METHOD, ATTR_HTTP_RESPONSE_STATUS_CODE, ATTR_HTTP_ROUTE, ATTR_URL_PATH } from '@opentelemetry/semantic-conventions';
import { describe, expect, it } from 'vitest';
import { HttpAttributes } from './attributes.js';

describe('HttpAttributes', () => {
  it("are OpenTelemetry's stable semantic-convention names", () => {
    expect(HttpAttributes).toEqual({
      errorType: ATTR_ERROR_TYPE,
      requestMethod: ATTR_HTTP_REQUEST_METHOD,
      responseStatusCode: ATTR_HTTP_RESPONSE_STATUS_CODE,
      route: ATTR_HTTP_ROUTE,
      urlPath: ATTR_URL_PATH,
    });
  });
});
