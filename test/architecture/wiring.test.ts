import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { checkScrapeConfig, checkWiring, type ScrapeConfigInput, type WiringInput } from '../../scripts/checkWiring.js';
import { readWiringInput } from '../../scripts/readWiringInput.js';

/** The real tree's input with one part changed in memory; no file is touched. */
function withCompose(edit: (doc: ReturnType<typeof parseDocument>) => void): WiringInput {
  const real = readWiringInput();
  const doc = parseDocument(real.compose, { merge: true });
  edit(doc);
  return { ...real, compose: doc.toString() };
}

describe('wiring check (npm run wiring:check)', () => {
  it('passes on the real tree', () => {
    expect(checkWiring(readWiringInput())).toEqual([]);
  });

  it('fails when a subgraph has no docker-compose service', () => {
    const problems = checkWiring(withCompose((doc) => doc.deleteIn(['services', 'reviews'])));
    expect(problems).toEqual([expect.stringContaining('no service "reviews" for subgraph "reviews"')]);
  });

  it("fails when the gateway's SUBGRAPH_URLS lacks a subgraph, or names one the registry does not know", () => {
    const problems = checkWiring(
      withCompose((doc) =>
        doc.setIn(
          ['services', 'gateway', 'environment', 'SUBGRAPH_URLS'],
          [...String(doc.getIn(['services', 'gateway', 'environment', 'SUBGRAPH_URLS'])).split(',').filter((e) => !e.startsWith('reviews=')), 'weather=http://weather:4009/graphql'].join(','),
        ),
      ),
    );
    expect(problems).toEqual([
      expect.stringContaining('gateway SUBGRAPH_URLS lacks subgraph "reviews" (expected reviews=http://reviews:4002/graphql)'),
      expect.stringContaining('gateway SUBGRAPH_URLS names "weather", which is not a subgraph'),
    ]);
  });

  it("fails when the gateway's depends_on lacks a subgraph", () => {
    const problems = checkWiring(withCompose((doc) => doc.deleteIn(['services', 'gateway', 'depends_on', 'accounts'])));
    expect(problems).toEqual([expect.stringContaining('gateway depends_on lacks subgraph "accounts"')]);
  });

  it("fails when a subgraph's vendor URL misses its sandbox vendor, or the sandbox lacks a vendor's key", () => {
    const problems = checkWiring(
      withCompose((doc) => {
        doc.setIn(['services', 'catalog', 'environment', 'CATALOG_VENDOR_URL'], '${CATALOG_VENDOR_URL:-http://sandbox:4102}');
        doc.deleteIn(['services', 'sandbox', 'environment', 'SANDBOX_IDENTITY_KEY']);
      }),
    );
    expect(problems).toEqual([
      expect.stringContaining('service "catalog": CATALOG_VENDOR_URL is "http://sandbox:4102", expected http://sandbox:4101'),
      expect.stringContaining('service "sandbox" lacks SANDBOX_IDENTITY_KEY'),
    ]);
  });

  it('fails when a subgraph folder exists that the registry leaves out', () => {
    const real = readWiringInput();
    const problems = checkWiring({ ...real, subgraphs: real.subgraphs.filter((s) => s.name !== 'reviews') });
    expect(problems).toContain('subgraphs/reviews/ has a schema.graphql but "reviews" is not a subgraph in platform/registry/services.ts');
    // Everything else that still names it is reported too, in one run.
    expect(problems).toContain('docker-compose.yml: gateway SUBGRAPH_URLS names "reviews", which is not a subgraph in platform/registry/services.ts');
    expect(problems).toContain('docker-compose.yml: service "reviews" runs subgraph "reviews", which is not in platform/registry/services.ts');
  });

  it("fails when a registry service lacks its conventional files, or the supergraph's subgraphs differ", () => {
    const real = readWiringInput();
    const problems = checkWiring({
      ...real,
      subgraphs: [...real.subgraphs, { name: 'weather', port: 4009, vendor: 'forecasts', owns: 'Weather' }],
      exists: (path) => !path.startsWith('subgraphs/weather/') && real.exists(path),
    });
    expect(problems).toEqual(
      expect.arrayContaining([
        'subgraph "weather": subgraphs/weather/main.ts is missing',
        'subgraph "weather": subgraphs/weather/subgraph.ts is missing',
        'subgraph "weather": subgraphs/weather/schema.graphql is missing',
        'subgraph "weather": subgraphs/weather/README.md is missing',
        'subgraph "weather": its vendor "forecasts" is not a sandbox vendor in platform/registry/services.ts',
        'docker-compose.yml: no service "weather" for subgraph "weather"',
        'schema/supergraph.graphql: lacks subgraph "weather" (run npm run compose)',
      ]),
    );
  });

  it('fails when the Dockerfile leaves out a folder the services run from (platform/ was once forgotten)', () => {
    const real = readWiringInput();
    const dockerfile = real.dockerfile.split('\n').filter((line) => !/^COPY platform\b/.test(line)).join('\n');
    expect(checkWiring({ ...real, dockerfile })).toEqual(['Dockerfile does not COPY platform/, which the services run from']);
    expect(checkWiring({ ...real, dockerfile: 'FROM node:20\nCOPY . .\n' })).toEqual([]);
  });
});

describe('wiring check: Prometheus scrapes every registry service (deploy/prometheus/prometheus.yml)', () => {
  const real = (): ScrapeConfigInput => ({ ...readWiringInput(), prometheus: readFileSync(new URL('../../deploy/prometheus/prometheus.yml', import.meta.url), 'utf8') });
  /** The real scrape config with its jobs changed in memory; no file is touched. */
  function withJobs(edit: (jobs: { job_name: string; static_configs: { targets: string[] }[] }[]) => void): ScrapeConfigInput {
    const input = real();
    const doc = parseDocument(input.prometheus);
    const jobs = doc.toJS().scrape_configs as { job_name: string; static_configs: { targets: string[] }[] }[];
    edit(jobs);
    doc.set('scrape_configs', jobs);
    return { ...input, prometheus: doc.toString() };
  }

  it('passes on the real tree', () => {
    expect(checkScrapeConfig(real())).toEqual([]);
  });

  it('names the missing job and how to add it, for a subgraph left out or one the registry gained', () => {
    expect(checkScrapeConfig(withJobs((jobs) => jobs.splice(jobs.findIndex((j) => j.job_name === 'reviews'), 1)))).toEqual([
      'deploy/prometheus/prometheus.yml: no scrape job "reviews" for subgraph "reviews", on its port; add one after the others: - job_name: reviews / static_configs: - targets: ["reviews:4002"]',
    ]);
    const input = real();
    const problems = checkScrapeConfig({ ...input, subgraphs: [...input.subgraphs, { name: 'weather', port: 4009, vendor: 'forecasts', owns: 'Weather' }] });
    expect(problems).toEqual([expect.stringContaining('no scrape job "weather" for subgraph "weather", on its port; add one after the others: - job_name: weather / static_configs: - targets: ["weather:4009"]')]);
  });

  it('fails when a job scrapes the wrong port: a subgraph off its port, the gateway on its public port instead of METRICS_PORT', () => {
    const problems = checkScrapeConfig(
      withJobs((jobs) => {
        jobs.find((j) => j.job_name === 'catalog')!.static_configs = [{ targets: ['catalog:4101'] }];
        const gateway = jobs.find((j) => j.job_name === 'gateway')! as { static_configs?: unknown; dns_sd_configs?: unknown };
        delete gateway.dns_sd_configs;
        gateway.static_configs = [{ targets: ['gateway:4000'] }];
      }),
    );
    expect(problems).toEqual([
      expect.stringContaining('job "gateway" scrapes ["gateway:4000"], expected ["gateway:9464"] (the gateway, on its METRICS_PORT in docker-compose.yml)'),
      expect.stringContaining('job "catalog" scrapes ["catalog:4101"], expected ["catalog:4001"]'),
    ]);
  });

  it('fails when a job scrapes a host docker-compose.yml does not run (a target down forever)', () => {
    const problems = checkScrapeConfig(withJobs((jobs) => jobs.push({ job_name: 'weather', static_configs: [{ targets: ['weather:4009'] }] })));
    expect(problems).toEqual(['deploy/prometheus/prometheus.yml: job "weather" scrapes weather:4009, but docker-compose.yml has no service "weather"; remove the job or fix its target']);
  });

  it('fails when the gateway has no METRICS_PORT in docker-compose.yml, or the scrape config does not parse', () => {
    const input = real();
    const compose = parseDocument(input.compose, { merge: true });
    compose.deleteIn(['services', 'gateway', 'environment', 'METRICS_PORT']);
    expect(checkScrapeConfig({ ...input, compose: compose.toString() })).toEqual([expect.stringContaining('service "gateway" sets no METRICS_PORT')]);
    expect(checkScrapeConfig({ ...input, prometheus: 'global: {}\n' })).toEqual(['deploy/prometheus/prometheus.yml: has no scrape_configs list']);
  });
});
