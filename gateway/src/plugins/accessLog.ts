import type { ApolloServerPlugin } from '@apollo/server';
import type { GatewayContext } from '../context.js';

/** Apollo Client's client awareness headers: which app (and build) sent the request, when it says. */
const CLIENT_NAME = 'apollographql-client-name';
const CLIENT_VERSION = 'apollographql-client-version';
const MAX_CLIENT_CHARS = 64;

/**
 * One access-log line per GraphQL request, at info, when its answer is sent: operation
 * name, HTTP status, duration, the error codes the client got (as masked, with counts),
 * request id (on the context's logger), the client app when it says which, and whether a
 * user was signed in. Never the query text or variables: they can hold personal data, and
 * the operation name identifies the query.
 */
export function accessLogPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ request }) {
      const startedAt = performance.now();
      const name = request.http?.headers.get(CLIENT_NAME);
      const version = request.http?.headers.get(CLIENT_VERSION);
      const client = name ? `${name}${version ? `/${version}` : ''}`.slice(0, MAX_CLIENT_CHARS) : undefined;
      return {
        async willSendResponse({ response, contextValue, operationName, errors }) {
          const codes: Record<string, number> = {};
          const answered = response.body.kind === 'single' ? response.body.singleResult.errors : (errors ?? []);
          for (const error of answered ?? []) {
            const code = typeof error.extensions?.code === 'string' ? error.extensions.code : 'UNKNOWN';
            codes[code] = (codes[code] ?? 0) + 1;
          }
          contextValue.logger.info(
            {
              access: true,
              operationName: operationName ?? null,
              status: response.http.status ?? 200,
              durationMs: Math.round((performance.now() - startedAt) * 10) / 10,
              errorCodes: codes,
              ...(client ? { client } : {}),
              authenticated: contextValue.viewer !== null,
            },
            'graphql request',
          );
        },
      };
    },
  };
}
