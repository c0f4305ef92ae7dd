import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/ConfigError.js';
import { parseTracingConfig } from './tracingSettings.js';

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

  it('lists every bad value at once', () => {
    const env = {
      OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'ftp://collector/traces',
      OTEL_TRACES_EXPORTER: 'otlp,none',
      OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc',
      OTEL_RESOURCE_ATTRIBUTES: 'a=b=c',
    };
    let error: unknown;
    try {
      parse(env);
    } catch (err) {
      error = err;
    }
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
