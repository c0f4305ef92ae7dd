import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import {
  ApolloServerPluginSchemaReportingDisabled,
  ApolloServerPluginUsageReportingDisabled,
} from '@apollo/server/plugin/disabled';

/**
 * Nothing about our traffic or schema leaves the process. Apollo Server would start
 * usage reporting (and could start schema reporting) on its own when APOLLO_KEY /
 * APOLLO_GRAPH_REF happen to be set; these plugins make "off" explicit.
 */
export function telemetryOffPlugins(): ApolloServerPlugin<BaseContext>[] {
  return [ApolloServerPluginUsageReportingDisabled(), ApolloServerPluginSchemaReportingDisabled()];
}

export const TELEMETRY_ENV = 'APOLLO_TELEMETRY_DISABLED';

/**
 * `@apollo/gateway` 2.14 reads `APOLLO_TELEMETRY_DISABLED` in the `ApolloGateway`
 * constructor; unless it is 'true' or '1' it probes cloud metadata endpoints and starts
 * exporting anonymous metrics to Apollo. Entry points (and test harnesses) call this on
 * their environment before creating the gateway; an explicit value is left alone.
 */
export function disableApolloTelemetry(env: Record<string, string | undefined>): void {
  if (env[TELEMETRY_ENV] === undefined || env[TELEMETRY_ENV] === '') env[TELEMETRY_ENV] = '1';
}
