import { parseConfig } from '../config/parseConfig.js';
import { bool, optionalUrl, type Env, type ParseResult, type Setting } from '../config/setting.js';
import { parseOtlpHeaders } from './parseOtlpHeaders.js';
import { parseResourceAttributes } from './parseResourceAttributes.js';

export type TraceExporterName = 'otlp' | 'console';

/** The spec's samplers that the SDK has (jaeger_remote and xray are not in it). */
export const samplerNames = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'] as const;
export type SamplerName = (typeof samplerNames)[number];

export interface SamplerChoice {
  readonly name: SamplerName;
  /** The probability of the ratio samplers, 0 to 1; 1 for the others. */
  readonly ratio: number;
}

export type OtlpCompression = 'gzip' | 'none';

/** What `startTracing` needs once tracing is on; `parseTracingConfig` returns undefined when it is off. */
export interface TracingConfig {
  /** At least one. */
  readonly exporters: readonly TraceExporterName[];
  /** Where OTLP spans are POSTed (http/json), when `exporters` has `otlp`. */
  readonly otlpUrl: string;
  /** Sent with every export: collector credentials. Secret: never logged. */
  readonly otlpHeaders: Readonly<Record<string, string>>;
  /** ms, one export */
  readonly otlpTimeoutMs: number;
  readonly otlpCompression: OtlpCompression;
  readonly sampler: SamplerChoice;
  readonly serviceName: string;
  /** From OTEL_RESOURCE_ATTRIBUTES, without `service.name` (that is `serviceName`). */
  readonly resourceAttributes: Readonly<Record<string, string>>;
  /** Values we accept but do not follow as asked: the start-up log says so once. */
  readonly notices: readonly string[];
}

/** The spec's default for OTLP/HTTP: a collector beside the process. */
const DEFAULT_OTLP_ENDPOINT = 'http://localhost:4318';
/** The spec's default export timeout (ms). */
const DEFAULT_OTLP_TIMEOUT_MS = 10_000;
/** Longest export timeout accepted (ms): a hung collector holds each batch this long. */
const MAX_OTLP_TIMEOUT_MS = 120_000;

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

// Collector credentials: parseConfig says "a value (hidden)", and parseOtlpHeaders names entries by position only.
const headersSetting = (env: string, description: string): Setting<Readonly<Record<string, string>> | undefined> => ({
  env,
  description,
  defaultText: '(none)',
  secret: true,
  parse: (raw) => (blank(raw) ? ok(undefined) : parseOtlpHeaders(raw)),
});

const timeoutSetting = (env: string, description: string, defaultText: string) =>
  setting<number | undefined>(env, description, defaultText, (raw) => {
    if (blank(raw)) return ok(undefined);
    const value = raw.trim();
    const ms = Number(value);
    if (!/^\d+$/.test(value) || ms < 1 || ms > MAX_OTLP_TIMEOUT_MS) return fail(`an integer from 1 to ${MAX_OTLP_TIMEOUT_MS} (ms)`);
    return ok(ms);
  });

const compressionSetting = (env: string, description: string, defaultText: string) =>
  setting<OtlpCompression | undefined>(env, description, defaultText, (raw) => {
    if (blank(raw)) return ok(undefined);
    const value = raw.trim().toLowerCase();
    return value === 'gzip' || value === 'none' ? ok(value) : fail('gzip or none');
  });

/**
 * The standard OTEL_* variables, parsed from the `env` given (never process.env): whether and
 * where this process exports traces, how (headers, timeout, compression) and what it samples.
 * Those still left to the SDK, which reads them from process.env itself, are OTEL_BSP_*
 * (batching) and OTEL_SPAN_*_LIMIT / OTEL_ATTRIBUTE_*_LIMIT (span limits).
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
  sampler: setting<SamplerName>(
    'OTEL_TRACES_SAMPLER',
    `Which traces are recorded: ${samplerNames.join(', ')}. parentbased_* follow the caller's sampled flag when there is a caller.`,
    'parentbased_always_on',
    (raw) => {
      if (blank(raw)) return ok('parentbased_always_on');
      const name = raw.trim().toLowerCase();
      return (samplerNames as readonly string[]).includes(name) ? ok(name as SamplerName) : fail(`one of ${samplerNames.join(', ')}`);
    },
  ),
  samplerArg: setting<number | undefined>(
    'OTEL_TRACES_SAMPLER_ARG',
    'The share of traces recorded by traceidratio and parentbased_traceidratio, from 0 to 1.',
    '1',
    (raw) => {
      if (blank(raw)) return ok(undefined);
      const value = raw.trim();
      const ratio = Number(value);
      // Number('') and Number('0x1') are numbers too: a plain decimal only.
      if (!/^(?:\d+(?:\.\d*)?|\.\d+)$/.test(value) || ratio > 1) return fail('a number from 0 to 1');
      return ok(ratio);
    },
  ),
  headers: headersSetting('OTEL_EXPORTER_OTLP_HEADERS', 'Headers sent with every export (collector credentials), name=value,name=value with values percent-encoded. Secret.'),
  tracesHeaders: headersSetting('OTEL_EXPORTER_OTLP_TRACES_HEADERS', 'As OTEL_EXPORTER_OTLP_HEADERS, for traces only; a header named in both takes this value. Secret.'),
  timeoutMs: timeoutSetting('OTEL_EXPORTER_OTLP_TIMEOUT', 'How long one export may take (ms) before it is abandoned.', String(DEFAULT_OTLP_TIMEOUT_MS)),
  tracesTimeoutMs: timeoutSetting('OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', 'As OTEL_EXPORTER_OTLP_TIMEOUT, for traces only.', 'OTEL_EXPORTER_OTLP_TIMEOUT'),
  compression: compressionSetting('OTEL_EXPORTER_OTLP_COMPRESSION', 'gzip compresses every export; none sends it as is.', 'none'),
  tracesCompression: compressionSetting('OTEL_EXPORTER_OTLP_TRACES_COMPRESSION', 'As OTEL_EXPORTER_OTLP_COMPRESSION, for traces only.', 'OTEL_EXPORTER_OTLP_COMPRESSION'),
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
  const ratioSampler = config.sampler === 'traceidratio' || config.sampler === 'parentbased_traceidratio';
  if (config.samplerArg !== undefined && !ratioSampler) notices.push(`OTEL_TRACES_SAMPLER_ARG is ignored: OTEL_TRACES_SAMPLER=${config.sampler} takes no ratio`);

  const { 'service.name': attributeServiceName, ...resourceAttributes } = config.resourceAttributes;
  return {
    exporters,
    otlpUrl: config.tracesEndpoint ?? `${config.endpoint ?? DEFAULT_OTLP_ENDPOINT}/v1/traces`,
    // Header names are lowercased by the parser, so the traces-only value of a header replaces the general one.
    otlpHeaders: Object.freeze({ ...config.headers, ...config.tracesHeaders }),
    otlpTimeoutMs: config.tracesTimeoutMs ?? config.timeoutMs ?? DEFAULT_OTLP_TIMEOUT_MS,
    otlpCompression: config.tracesCompression ?? config.compression ?? 'none',
    sampler: { name: config.sampler, ratio: ratioSampler ? (config.samplerArg ?? 1) : 1 },
    // The spec's order: OTEL_SERVICE_NAME, then service.name in OTEL_RESOURCE_ATTRIBUTES.
    serviceName: config.serviceName ?? attributeServiceName ?? service,
    resourceAttributes,
    notices,
  };
}
