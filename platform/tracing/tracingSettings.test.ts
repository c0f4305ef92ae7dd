import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/ConfigError.js';
import { parseTracingConfig } from './tracingSettings.js';
import { thrownBy } from '../../test/harness/thrownBy.js';

const parse = (env: Record<string, string>) => parseTracingConfig('catalog', env);

describe('parseTracingConfig', () => {
  it('is off unless the variables ask for export', () => {
    expect(parse({})).toBeUndefined();
    expect(parse({ OTEL_SERVICE_NAME: 'catalog-eu', OTEL_TRACES_SAMPLER: 'always_on' })).toBeUndefined();
    expect(parse({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_EXPORTER: 'none' })).toBeUndefined();
    expect(parse({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'TRUE' })).toBeUndefined();
    // Disabled means disabled: the other values are not even looked at.
    expect(parse({ OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' })).toBeUndefined();
  });

  it('sends OTLP to <endpoint>/v1/traces, or to the traces endpoint as given', () => {
    expect(parse({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toMatchObject({ exporters: ['otlp'], otlpUrl: 'http://collector:4318/v1/traces' });
    expect(parse({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://a:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://b/otlp/traces' })).toMatchObject({
      otlpUrl: 'https://b/otlp/traces',
    });
    // Asked for by name, with no endpoint: the spec's default, a collector beside the process.
    expect(parse({ OTEL_TRACES_EXPORTER: 'otlp' })).toMatchObject({ otlpUrl: 'http://localhost:4318/v1/traces' });
    expect(parse({ OTEL_TRACES_EXPORTER: 'console' })).toMatchObject({ exporters: ['console'] });
    expect(parse({ OTEL_TRACES_EXPORTER: ' otlp , console ', OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })).toMatchObject({ exporters: ['otlp', 'console'] });
  });

  it('names the service OTEL_SERVICE_NAME, else service.name of OTEL_RESOURCE_ATTRIBUTES, else its own name', () => {
    const on = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    expect(parse(on)).toMatchObject({ serviceName: 'catalog', resourceAttributes: {} });
    expect(parse({ ...on, OTEL_RESOURCE_ATTRIBUTES: 'service.name=shop-catalog,deployment.environment.name=prod' })).toMatchObject({
      serviceName: 'shop-catalog',
      resourceAttributes: { 'deployment.environment.name': 'prod' },
    });
    expect(parse({ ...on, OTEL_SERVICE_NAME: 'catalog-eu', OTEL_RESOURCE_ATTRIBUTES: 'service.name=shop-catalog' })).toMatchObject({ serviceName: 'catalog-eu' });
    expect(parse({ ...on, OTEL_RESOURCE_ATTRIBUTES: 'team=mobile%2Cweb, region = eu%3D1 ,' })).toMatchObject({ resourceAttributes: { team: 'mobile,web', region: 'eu=1' } });
  });

  it('says once what it accepts but does not follow as asked', () => {
    const on = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    expect(parse({ ...on, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' })?.notices).toEqual([]);
    expect(parse({ ...on, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/protobuf' })?.notices).toEqual([expect.stringContaining('sent as http/json')]);
    expect(parse({ ...on, OTEL_PROPAGATORS: 'tracecontext,baggage' })?.notices).toEqual([expect.stringContaining('only tracecontext')]);
    expect(parse({ ...on, OTEL_PROPAGATORS: 'tracecontext' })?.notices).toEqual([]);
  });

  it('samples as OTEL_TRACES_SAMPLER and _ARG say, parentbased_always_on by default', () => {
    const on = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    expect(parse(on)).toMatchObject({ sampler: { name: 'parentbased_always_on', ratio: 1 }, notices: [] });
    expect(parse({ ...on, OTEL_TRACES_SAMPLER: ' ParentBased_TraceIdRatio ', OTEL_TRACES_SAMPLER_ARG: '0.25' })).toMatchObject({
      sampler: { name: 'parentbased_traceidratio', ratio: 0.25 },
    });
    // The spec's default ratio.
    expect(parse({ ...on, OTEL_TRACES_SAMPLER: 'traceidratio' })).toMatchObject({ sampler: { name: 'traceidratio', ratio: 1 } });
    expect(parse({ ...on, OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' })).toMatchObject({ sampler: { ratio: 0 } });
    expect(parse({ ...on, OTEL_TRACES_SAMPLER: 'always_off', OTEL_TRACES_SAMPLER_ARG: '0.5' })).toMatchObject({
      sampler: { name: 'always_off', ratio: 1 },
      notices: [expect.stringContaining('OTEL_TRACES_SAMPLER_ARG is ignored')],
    });
  });

  it.each(['sometimes', 'jaeger_remote', 'xray'])('refuses OTEL_TRACES_SAMPLER=%s', (raw) => {
    expect(() => parse({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_SAMPLER: raw })).toThrow(/OTEL_TRACES_SAMPLER: expected one of always_on, /);
  });

  it.each(['1.5', '-0.1', 'half', '0x1', '1e-1', 'NaN'])('refuses OTEL_TRACES_SAMPLER_ARG=%s', (raw) => {
    expect(() => parse({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: raw })).toThrow(
      /OTEL_TRACES_SAMPLER_ARG: expected a number from 0 to 1/,
    );
  });

  it("sends OTEL_EXPORTER_OTLP_HEADERS, percent-decoded, names lowercased, the traces-only value of a header winning", () => {
    const on = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    expect(parse(on)).toMatchObject({ otlpHeaders: {} });
    expect(
      parse({ ...on, OTEL_EXPORTER_OTLP_HEADERS: 'Authorization=Basic%20dXNlcjpwYXNz%3D, x-tenant = eu ,', OTEL_EXPORTER_OTLP_TRACES_HEADERS: 'X-Tenant=eu-traces' }),
    ).toMatchObject({ otlpHeaders: { authorization: 'Basic dXNlcjpwYXNz=', 'x-tenant': 'eu-traces' } });
  });

  it.each([
    // Each entry holds Zq9, which stands for a credential: the problem must not quote it.
    ['no "="', 'Zq9token'],
    ['no name', '=Zq9'],
    ['a name that is not a token', 'Bearer Zq9=x'],
    ['a header the exporter sets', 'Content-Type=Zq9'],
    ['a bad percent-encoding', 'authorization=Zq9%E0%A4%A'],
    ['an empty value', 'Zq9='],
    ['a line break', 'authorization=Zq9%0D%0Ab'],
    ['a character outside latin-1', 'authorization=Zq9%E2%82%AC'],
  ])('refuses OTEL_EXPORTER_OTLP_HEADERS with %s, naming the entry but never its text', (_case, entry) => {
    const error = thrownBy(() => parse({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_EXPORTER_OTLP_TRACES_HEADERS: `x-key=s3cr3t,${entry}` }));
    expect(error).toBeInstanceOf(ConfigError);
    const [problem] = (error as ConfigError).problems;
    expect(problem).toMatch(/^OTEL_EXPORTER_OTLP_TRACES_HEADERS: expected header=value pairs .*: entry 2 .*, got a value \(hidden\)$/);
    expect(problem).not.toMatch(/s3cr3t|Zq9/);
  });

  it('gives each export OTEL_EXPORTER_OTLP_TIMEOUT (ms) and OTEL_EXPORTER_OTLP_COMPRESSION, the traces-only ones winning', () => {
    const on = { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' };
    expect(parse(on)).toMatchObject({ otlpTimeoutMs: 10_000, otlpCompression: 'none' });
    expect(parse({ ...on, OTEL_EXPORTER_OTLP_TIMEOUT: '5000', OTEL_EXPORTER_OTLP_COMPRESSION: 'GZIP' })).toMatchObject({ otlpTimeoutMs: 5_000, otlpCompression: 'gzip' });
    expect(
      parse({ ...on, OTEL_EXPORTER_OTLP_TIMEOUT: '5000', OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: '2000', OTEL_EXPORTER_OTLP_COMPRESSION: 'gzip', OTEL_EXPORTER_OTLP_TRACES_COMPRESSION: 'none' }),
    ).toMatchObject({ otlpTimeoutMs: 2_000, otlpCompression: 'none' });
  });

  it.each([
    ['OTEL_EXPORTER_OTLP_TIMEOUT', '0'],
    ['OTEL_EXPORTER_OTLP_TIMEOUT', '10s'],
    ['OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', '120001'],
    ['OTEL_EXPORTER_OTLP_COMPRESSION', 'brotli'],
    ['OTEL_EXPORTER_OTLP_TRACES_COMPRESSION', 'deflate'],
  ])('refuses %s=%s', (variable, raw) => {
    expect(() => parse({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', [variable]: raw })).toThrow(new RegExp(`${variable}: expected `));
  });

  it('lists every bad value at once', () => {
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'ftp://collector/traces',
      OTEL_TRACES_EXPORTER: 'otlp,none',
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc',
      OTEL_RESOURCE_ATTRIBUTES: 'a=b=c',
      OTEL_TRACES_SAMPLER: 'sometimes',
      OTEL_TRACES_SAMPLER_ARG: '2',
      OTEL_EXPORTER_OTLP_HEADERS: 'token',
      OTEL_EXPORTER_OTLP_TIMEOUT: '-1',
      OTEL_EXPORTER_OTLP_COMPRESSION: 'zip',
    };
    const error = thrownBy(() => parse(env));
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems.map((p) => p.slice(0, p.indexOf(':')))).toEqual(expect.arrayContaining(Object.keys(env)));
    expect(problems).toHaveLength(Object.keys(env).length);
    expect(problems.find((p) => p.startsWith('OTEL_EXPORTER_OTLP_TRACES_PROTOCOL'))).toContain('4318');
  });

  it.each(['broken', '=value', 'key=%E0%A4%A', `key=${'x'.repeat(256)}`])('refuses OTEL_RESOURCE_ATTRIBUTES=%s', (raw) => {
    expect(() => parse({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_RESOURCE_ATTRIBUTES: `team=mobile,${raw}` })).toThrow(ConfigError);
  });
});
