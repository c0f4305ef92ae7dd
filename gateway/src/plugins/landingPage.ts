import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import type { NodeEnv } from '../config.js';

/**
 * GET /graphql in a browser: Apollo's local sandbox explorer for frontend teams outside
 * production; nothing in production (introspection is off there, so an explorer
 * would have no schema to show).
 */
export function landingPagePlugin(nodeEnv: NodeEnv): ApolloServerPlugin<BaseContext> {
  return nodeEnv === 'production'
    ? ApolloServerPluginLandingPageDisabled()
    : ApolloServerPluginLandingPageLocalDefault({ embed: true, includeCookies: false, footer: false });
}
