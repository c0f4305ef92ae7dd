import { parseConfig } from '../config/parseConfig.js';
import { bool, optionalUrl, type Env, type ParseResult, type Setting } from '../config/setting.js';
import { parseResourceAttributes } from './parseResourceAttributes.js';

export type TraceExporterName = 'otlp' | 'console';

/** What `startTracing` needs once tracing is on; `parseTracingConfig` returns undefined when it is off. */
export interface TracingConfig {
  /** At least one. */
  readonly exporters: readonly TraceExporterName[];
  /** Where OTLP spans are POSTed (http/json), when `exporters` has `otlp`. */
  readonly otlpUrl: string;
  readonly serviceName: string;
  /** From OTEL_RESOURCE_ATTRIBUTES, without `service.name` (that is `serviceName`). */
  readonly resourceAttributes: Readonly<Record<string, string>>;
  /** Values we accept but do not follow as asked: the start-up log says so once. */
  readonly notices: readonly string[];
}

/** The spec's default for OTLP/HTTP: a collector beside the process. */
const DEFAULT_OTLP_ENDPOINT = 'http://localhost:4318';

const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value });
const fail = (expected: string): ParseResult<never> => ({ ok: false, expected });
const blank = (raw: string | undefined): raw is undefined => raw === undefined || raw.trim() === '';

function setting<T>(env: string, description: string, defaultText: string, parse: (raw: string | undefined) => ParseResult<T>): Setting<T> {
  return { env, description, defaultText, secret: false, parse };
}

const exporterNames = ['otlp', 'console', 'none'] as const;
type ExporterChoice = (typeof exporterNames)[number];

const protocolSetting = (env: string, description: string) =>
  setting(env, description, 'http/json', (raw) => {
    if (blank(raw)) return ok(undefined);
    const value = raw.trim();
    if (value === 'http/json' || value === 'http/protobuf') return ok(value);
    // The installed exporter speaks OTLP/HTTP only; a gRPC endpoint (port 4317) would refuse every export.
    return fail("http/json or http/protobuf (spans go over OTLP/HTTP: point the endpoint at the collector's port 4318, not gRPC's 4317)");
  });

/**
 * The standard OTEL_* variables that decide whether and where this process exports traces.
 * Those the SDK reads itself (OTEL_TRACES_SAMPLER and _ARG, OTEL_BSP_*, OTEL_SPAN_*_LIMIT,
 * OTEL_EXPORTER_OTLP_HEADERS, _TIMEOUT, _COMPRESSION, certificates) are left to it.
 */
export const tracingSettings = {
  sdkDisabled: bool('OTEL_SDK_DISABLED', { default: false, description: 'true turns tracing off whatever the other OTEL_* variables say.' }),
  exporters: setting<readonly ExporterChoice[] | undefined>(
    'OTEL_TRACES_EXPORTER',
    'Where spans go: otlp, console (stdout, for debugging), both (otlp,console) or none.',
    'otlp when an OTLP endpoint is set, else none',
    (raw) => {
      if (blank(raw)) return ok(undefined);
      const names = raw.split(',').map((n) => n.trim()).filter((n) => n !== '');
      const expected = `a comma-separated list of ${exporterNames.join(', ')} (none alone)`;
      if (names.length === 0 || names.some((n) => !(exporterNames as readonly string[]).includes(n))) return fail(expected);
      if (names.includes('none') && names.length > 1) return fail(expected);
      return ok(names as ExporterChoice[]);
    },
  ),
  endpoint: optionalUrl('OTEL_EXPORTER_OTLP_ENDPOINT', {
    description: 'OTLP/HTTP base URL of the collector (e.g. http://otel-collector:4318); spans go to its /v1/traces. Setting it turns tracing on.',
  }),
  tracesEndpoint: optionalUrl('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', {
    description: 'Full URL spans are POSTed to, used as is (wins over OTEL_EXPORTER_OTLP_ENDPOINT). Setting it turns tracing on.',
  }),
  protocol: protocolSetting('OTEL_EXPORTER_OTLP_PROTOCOL', 'OTLP transport; spans are sent as http/json, which every OTLP/HTTP receiver accepts.'),
  tracesProtocol: protocolSetting('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL', 'As OTEL_EXPORTER_OTLP_PROTOCOL, for traces only.'),
  serviceName: setting('OTEL_SERVICE_NAME', 'service.name of every span of this process.', "the service's own name (gateway, catalog, …)", (raw) =>
    ok(blank(raw) ? undefined : raw.trim()),
  ),
  resourceAttributes: setting<Readonly<Record<string, string>>>('OTEL_RESOURCE_ATTRIBUTES', 'Extra resource attributes, key=value,key=value (percent-encode , and =).', '(none)', (raw) =>
    blank(raw) ? ok({}) : parseResourceAttributes(raw),
  ),
  propagators: setting('OTEL_PROPAGATORS', 'Only tracecontext (W3C) is used, whatever this says: baggage is never taken from clients.', 'tracecontext', (raw) =>
    ok(blank(raw) ? undefined : raw.trim()),
  ),
} as const;

/**
 * Tracing's configuration from the OTEL_* variables, or undefined when they do not ask for
 * export (the default: no provider is registered and the API stays a no-op). Throws one
 * ConfigError listing every bad value. OTEL_SDK_DISABLED=true wins over everything else.
 */
export function parseTracingConfig(service: string, env: Env): TracingConfig | undefined {
  const disabled = tracingSettings.sdkDisabled.parse(env[tracingSettings.sdkDisabled.env]);
  if (disabled.ok && disabled.value) return undefined;
  const config = parseConfig(`${service} (tracing)`, tracingSettings, env);

  const endpointSet = config.endpoint !== undefined || config.tracesEndpoint !== undefined;
  const chosen = config.exporters ?? (endpointSet ? ['otlp'] : ['none']);
  const exporters = chosen.filter((name): name is TraceExporterName => name !== 'none');
  if (exporters.length === 0) return undefined;

  const notices: string[] = [];
  const protocol = config.tracesProtocol ?? config.protocol;
  if (exporters.includes('otlp') && protocol === 'http/protobuf') {
    notices.push('OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf: spans are sent as http/json, which OTLP/HTTP receivers accept on the same URL');
  }
  if (config.propagators !== undefined && config.propagators !== 'tracecontext') {
    notices.push(`OTEL_PROPAGATORS=${config.propagators}: only tracecontext (W3C) is used; baggage is never taken from clients`);
  }

  const { 'service.name': attributeServiceName, ...resourceAttributes } = config.resourceAttributes;
  return {
    exporters,
    otlpUrl: config.tracesEndpoint ?? `${config.endpoint ?? DEFAULT_OTLP_ENDPOINT}/v1/traces`,
    // The spec's order: OTEL_SERVICE_NAME, then service.name in OTEL_RESOURCE_ATTRIBUTES.
    serviceName: config.serviceName ?? attributeServiceName ?? service,
    resourceAttributes,
    notices,
  };
}
