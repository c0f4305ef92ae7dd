import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { checkWiring, type WiringInput } from '../../scripts/checkWiring.js';
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
