import { parseConfig } from '../../subgraphs/kit/config/parseConfig.js';
import { bool, int, oneOf, string, type Env, type ParseResult, type Setting } from '../../subgraphs/kit/config/setting.js';
import { logLevels, type LogLevel } from '../../subgraphs/kit/log/createLogger.js';

const nodeEnvs = ['development', 'production', 'test'] as const;
export type NodeEnv = (typeof nodeEnvs)[number];

// A subgraph name as it appears in the supergraph's `join__Graph` (and in docker-compose service names).
const SUBGRAPH_NAME = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/**
 * `name=url,name=url`: where each subgraph really is, when that differs from the URL
 * composed into the supergraph (containers, tests on port 0). Unset = the supergraph's URLs.
 */
function subgraphUrlMap(env: string, opts: { description: string }): Setting<Readonly<Record<string, string>>> {
  const expected = 'comma-separated name=url pairs, e.g. catalog=http://catalog:4001/graphql';
  return {
    env,
    description: opts.description,
    defaultText: '(the URLs in the supergraph)',
    secret: false,
    parse(raw): ParseResult<Readonly<Record<string, string>>> {
      const map: Record<string, string> = {};
      if (raw === undefined || raw.trim() === '') return { ok: true, value: Object.freeze(map) };
      for (const entry of raw.split(',').map((e) => e.trim())) {
        if (entry === '') continue;
        const eq = entry.indexOf('=');
        if (eq < 0) return { ok: false, expected: `${expected} ("${entry}" has no "=")` };
        const name = entry.slice(0, eq).trim();
        const value = entry.slice(eq + 1).trim();
        if (!SUBGRAPH_NAME.test(name)) return { ok: false, expected: `${expected} ("${name}" is not a subgraph name: letters, digits, _ and -)` };
        if (Object.prototype.hasOwnProperty.call(map, name)) return { ok: false, expected: `${expected} ("${name}" appears twice)` };
        if (!isHttpUrl(value)) return { ok: false, expected: `${expected} (the URL of "${name}" is not an absolute http(s) URL)` };
        map[name] = value;
      }
      return { ok: true, value: Object.freeze(map) };
    },
  };
}

function isHttpUrl(value: string): boolean {
  try {
    const parsed = new URL(value);
    return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname !== '';
  } catch {
    return false;
  }
}

/** A boolean whose default depends on another setting: unset stays `undefined`. */
function optionalBool(env: string, opts: { description: string; defaultText: string }): Setting<boolean | undefined> {
  const inner = bool(env, { description: opts.description, default: false });
  return {
    env,
    description: opts.description,
    defaultText: opts.defaultText,
    secret: false,
    parse: (raw) => (raw === undefined || raw.trim() === '' ? { ok: true, value: undefined } : inner.parse(raw)),
  };
}

/** Every gateway setting, with its variable, default and unit. The README table follows this list. */
export const gatewaySettings = {
  host: string('GATEWAY_HOST', {
    default: '127.0.0.1',
    pattern: /^[A-Za-z0-9.:-]+$/,
    patternText: 'a host name or IP address, e.g. 127.0.0.1 or 0.0.0.0',
    description: 'Interface to listen on (0.0.0.0 in containers).',
  }),
  port: int('GATEWAY_PORT', { default: 4000, min: 0, max: 65535, description: 'Port to listen on (0 = any free port).' }),
  supergraphPath: string('SUPERGRAPH_PATH', {
    default: 'schema/supergraph.graphql',
    description: 'Supergraph SDL file to serve, relative to the working directory (made by `npm run compose`).',
  }),
  subgraphUrls: subgraphUrlMap('SUBGRAPH_URLS', {
    description: 'Overrides of subgraph URLs, `name=url,name=url`; subgraphs not listed use the URL in the supergraph.',
  }),
  subgraphTimeoutMs: int('SUBGRAPH_TIMEOUT_MS', {
    default: 3_000,
    min: 1,
    max: 60_000,
    unit: 'ms',
    description: 'Budget of one subgraph fetch; past it the fields of that subgraph are null with SERVICE_UNAVAILABLE.',
  }),
  subgraphConnections: int('SUBGRAPH_CONNECTIONS', {
    default: 64,
    min: 1,
    max: 10_000,
    unit: 'connections',
    description: 'Keep-alive connections kept open to each subgraph.',
  }),
  maxBodyBytes: int('MAX_BODY_BYTES', {
    default: 102_400,
    min: 1_024,
    max: 10_485_760,
    unit: 'bytes',
    description: 'Largest request body accepted; larger ones get 413.',
  }),
  shutdownGraceMs: int('SHUTDOWN_GRACE_MS', {
    default: 10_000,
    min: 0,
    max: 120_000,
    unit: 'ms',
    description: 'On SIGTERM/SIGINT, how long in-flight requests may take before connections are dropped.',
  }),
  logLevel: oneOf('LOG_LEVEL', logLevels, { default: 'info', description: 'Least severe level written to the JSON log (silent = none).' }),
  nodeEnv: oneOf('NODE_ENV', nodeEnvs, {
    default: 'development',
    description: 'production turns off introspection (unless INTROSPECTION says otherwise) and the sandbox page.',
  }),
  introspection: optionalBool('INTROSPECTION', {
    defaultText: 'true unless NODE_ENV=production',
    description: 'Allow schema introspection (the sandbox explorer needs it).',
  }),
};

export interface GatewayConfig {
  readonly host: string;
  readonly port: number;
  readonly supergraphPath: string;
  /** Subgraph name → URL; only the subgraphs whose URL is overridden. */
  readonly subgraphUrls: Readonly<Record<string, string>>;
  /** ms */
  readonly subgraphTimeoutMs: number;
  readonly subgraphConnections: number;
  /** bytes */
  readonly maxBodyBytes: number;
  /** ms */
  readonly shutdownGraceMs: number;
  readonly logLevel: LogLevel;
  readonly nodeEnv: NodeEnv;
  readonly introspection: boolean;
}

/** Parses the gateway's environment once; throws a ConfigError listing every problem. */
export function parseGatewayConfig(env: Env): GatewayConfig {
  const parsed = parseConfig('gateway', gatewaySettings, env);
  return Object.freeze({
    ...parsed,
    introspection: parsed.introspection ?? parsed.nodeEnv !== 'production',
  });
}
