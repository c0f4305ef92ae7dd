import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { addToComposeDevFile } from './editComposeDevFile.js';
import { addToComposeFile } from './editComposeFile.js';
import { checkScrapeConfig } from '../checkWiring.js';
import { addToEnvExample } from './editEnvExample.js';
import { addToPrometheusConfig } from './editPrometheusConfig.js';
import { addToRegistry } from './editRegistry.js';
import { nameProblem, namesOf } from './names.js';
import { planSubgraph } from './planSubgraph.js';
import { fill } from './renderTemplates.js';

// A fixed registry, so that these tests do not change when a team adds a subgraph.
const registry = {
  subgraphs: [
    { name: 'catalog', port: 4001, vendor: 'commerce', owns: 'Product' },
    { name: 'reviews', port: 4002, vendor: 'reviews', owns: 'Product.rating' },
    { name: 'accounts', port: 4003, vendor: 'identity', owns: 'User' },
  ],
  vendors: [
    { name: 'commerce', port: 4101, brand: 'ShopCore', defaultKey: 'sandbox-commerce-key' },
    { name: 'reviews', port: 4102, brand: 'StarPulse', defaultKey: 'sandbox-reviews-key' },
    { name: 'identity', port: 4103, brand: 'IdentiCo', defaultKey: 'sandbox-identity-key' },
  ],
  gatewayPort: 4000,
};
const nothingExists = () => false;
const root = new URL('../../', import.meta.url);
const read = (path: string) => readFileSync(new URL(path, root), 'utf8');

describe('names', () => {
  it('spells a name for folders, fields, types and settings', () => {
    expect(namesOf('price-alerts')).toEqual({ name: 'price-alerts', camel: 'priceAlerts', pascal: 'PriceAlerts', prefix: 'PRICE_ALERTS' });
  });

  it.each(['Loyalty', 'loyalty_points', '1up', '-x', 'a--b', 'x'.repeat(31), '', 'kit', 'gateway'])('refuses %j', (name) => {
    expect(nameProblem(name)).toEqual(expect.any(String));
  });
});

describe('planSubgraph', () => {
  it('takes the next free ports, keys the vendor like the others and fills every template', () => {
    const plan = planSubgraph({ name: 'gift-cards' }, registry, nothingExists);
    expect(plan.subgraph).toEqual({ name: 'gift-cards', port: 4004, vendor: 'gift-cards', owns: 'Product.giftCards' });
    expect(plan.vendor).toEqual({ name: 'gift-cards', port: 4104, brand: 'GiftCardsWorks', defaultKey: 'sandbox-gift-cards-key' });
    expect([...plan.files.keys()]).toEqual(
      expect.arrayContaining([
        'subgraphs/gift-cards/schema.graphql',
        'subgraphs/gift-cards/subgraph.ts',
        'subgraphs/gift-cards/main.ts',
        'subgraphs/gift-cards/giftCardsVendorClient.ts',
        'subgraphs/gift-cards/resolvers/Product.ts',
        'subgraphs/gift-cards/giftCards.test.ts',
        'subgraphs/gift-cards/README.md',
        'vendors/gift-cards/sandbox.ts',
        'vendors/gift-cards/createGiftCardsVendor.ts',
      ]),
    );
    for (const content of plan.files.values()) expect(content).not.toMatch(/__(name|camel|Pascal|PREFIX|vendor|Brand|port)__/);
  });

  it('lists every problem at once', () => {
    expect(() => planSubgraph({ name: 'reviews', vendor: 'identity', port: 4001, vendorPort: 80, brand: 'lower' }, registry, nothingExists)).toThrow(
      /subgraph named "reviews" already exists[\s\S]*vendor named "identity" already exists[\s\S]*port 4001 is already used[\s\S]*vendor port 80: expected[\s\S]*brand "lower"/,
    );
  });

  it('refuses a folder that exists without a registry entry', () => {
    expect(() => planSubgraph({ name: 'coupons' }, registry, (path) => path === 'subgraphs/coupons')).toThrow(/"coupons" already exists/);
  });
});

describe('the edits', () => {
  const names = namesOf('gift-cards');
  const wiring = { subgraph: names, port: 4004, vendor: names, vendorPort: 4104, vendorKey: 'sandbox-gift-cards-key' };

  it('docker-compose.yml gets the service, its route, the gateway waiting for it and its vendor key', () => {
    const compose = parse(addToComposeFile(read('docker-compose.yml'), wiring), { merge: true }) as {
      services: Record<string, { command?: string[]; environment?: Record<string, string>; depends_on?: Record<string, unknown> }>;
    };
    expect(compose.services['gift-cards']?.command).toEqual(['node', 'dist/subgraphs/gift-cards/main.js']);
    expect(compose.services['gift-cards']?.environment?.GIFT_CARDS_VENDOR_URL).toBe('${GIFT_CARDS_VENDOR_URL:-http://sandbox:4104}');
    expect(compose.services.gateway?.environment?.SUBGRAPH_URLS).toMatch(/,gift-cards=http:\/\/gift-cards:4004\/graphql$/);
    expect(compose.services.gateway?.depends_on).toHaveProperty('gift-cards');
    expect(compose.services.sandbox?.environment?.SANDBOX_GIFT_CARDS_KEY).toBe('${GIFT_CARDS_VENDOR_KEY:-sandbox-gift-cards-key}');
  });

  it('deploy/compose/dev.yml runs it in development mode like the others, once, every other line kept', () => {
    const before = read('deploy/compose/dev.yml');
    const out = addToComposeDevFile(before, 'gift-cards');
    const services = (parse(out) as { services: Record<string, { environment?: Record<string, string> }> }).services;
    expect(services['gift-cards']).toEqual({ environment: { NODE_ENV: 'development' } });
    expect(Object.keys(services).indexOf('gift-cards')).toBe(Object.keys(services).indexOf('gateway') - 1);
    expect(out.replace('  gift-cards:\n    environment:\n      NODE_ENV: development\n', '')).toBe(before);
    expect(addToComposeDevFile(out, 'gift-cards')).toBe(out);
    expect(addToComposeDevFile('services:\n  a:\n    image: x\n', 'b')).toBe('services:\n  a:\n    image: x\n  b:\n    environment:\n      NODE_ENV: development\n');
    expect(() => addToComposeDevFile('services: {}\n', 'b')).toThrow(/add "b: \{ environment: \{ NODE_ENV: development \} \}" by hand/);
  });

  it('a compose file laid out differently stops the generator instead of half-editing it', () => {
    expect(() => addToComposeFile('services:\n  gw:\n    image: x\n', wiring)).toThrow(/could not find the sandbox service/);
  });

  it('deploy/prometheus/prometheus.yml gets a job scraping the subgraph on its port, after the others, comments kept', () => {
    const before = read('deploy/prometheus/prometheus.yml');
    const out = addToPrometheusConfig(before, { name: 'gift-cards', port: 4004 });
    const jobs = (parse(out) as { scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[] }).scrape_configs;
    const beforeJobs = (parse(before) as { scrape_configs: { job_name: string }[] }).scrape_configs.map((j) => j.job_name);
    expect(jobs.map((j) => j.job_name)).toEqual([...beforeJobs, 'gift-cards']);
    expect(jobs.at(-1)).toEqual({ job_name: 'gift-cards', static_configs: [{ targets: ['gift-cards:4004'] }] });
    // Written like the others, and nothing else touched: the file as it was plus the job.
    expect(out).toBe(`${before.replace(/\n*$/, '')}\n\n  - job_name: gift-cards\n    static_configs:\n      - targets: ["gift-cards:4004"]${before.match(/\n*$/)![0]}`);
  });

  it('the scrape job is added once, whatever the number of runs, and one with another target stops the generator', () => {
    const once = addToPrometheusConfig(read('deploy/prometheus/prometheus.yml'), { name: 'gift-cards', port: 4004 });
    expect(addToPrometheusConfig(once, { name: 'gift-cards', port: 4004 })).toBe(once);
    expect(() => addToPrometheusConfig(once, { name: 'gift-cards', port: 4005 })).toThrow(/job "gift-cards" already scrapes \["gift-cards:4004"\], expected \["gift-cards:4005"\]/);
    expect(() => addToPrometheusConfig('global: {}\n', { name: 'gift-cards', port: 4004 })).toThrow(/no scrape_configs list/);
    expect(() => addToPrometheusConfig('scrape_configs: []\n', { name: 'gift-cards', port: 4004 })).toThrow(/could not find a block "scrape_configs:"; add the job by hand/);
    expect(() => addToPrometheusConfig('scrape_configs:\n- job_name: a\n  static_configs: [{ targets: ["a:1"] }]\n', { name: 'gift-cards', port: 4004 })).toThrow(/lists no "- job_name:" to follow/);
  });

  it('with the edits of the generator, the wiring check finds the subgraph scraped where docker-compose.yml runs it', () => {
    const plan = planSubgraph({ name: 'gift-cards' }, registry, nothingExists);
    const problems = checkScrapeConfig({
      subgraphs: [...registry.subgraphs, plan.subgraph],
      compose: addToComposeFile(read('docker-compose.yml'), wiring),
      prometheus: addToPrometheusConfig(read('deploy/prometheus/prometheus.yml'), plan.subgraph),
    });
    expect(problems).toEqual([]);
  });

  it('.env.example gets the vendor among the real vendors, commented out like theirs, and the sandbox port', () => {
    const before = read('.env.example');
    const out = addToEnvExample(before, wiring);
    // After the vendors already there (a subgraph generated earlier included), before the section's end.
    expect(out).toContain("\n# GIFT_CARDS_VENDOR_URL='https://api.gift-cards.example.com'\n# GIFT_CARDS_VENDOR_KEY='…'\n\n");
    expect(out.indexOf('# GIFT_CARDS_VENDOR_URL=')).toBeGreaterThan(out.indexOf('# NOTIFICATIONS_APNS_URL='));
    expect(out).toMatch(/SANDBOX_[A-Z_]+_PORT=\d+\nSANDBOX_GIFT_CARDS_PORT=4104/);
    // Nothing uncommented but the sandbox port: as .env, it still points no container at this machine.
    const added = out.split('\n').filter((l) => !before.split('\n').includes(l));
    expect(added.filter((l) => !l.startsWith('#'))).toEqual(['SANDBOX_GIFT_CARDS_PORT=4104']);
    expect(addToEnvExample(out, wiring).split('\n').filter((l) => l.startsWith('# GIFT_CARDS_VENDOR_URL='))).toHaveLength(1);
  });

  it('the registry gets both entries above its markers, and refuses a source without them', () => {
    const plan = planSubgraph({ name: 'gift-cards' }, registry, nothingExists);
    const out = addToRegistry(read('platform/registry/services.ts'), plan.subgraph, plan.vendor);
    expect(out).toContain("  { name: 'gift-cards', port: 4004, vendor: 'gift-cards', owns: 'Product.giftCards' },\n  // new:subgraph");
    expect(out).toContain("  { name: 'gift-cards', port: 4104, brand: 'GiftCardsWorks', defaultKey: 'sandbox-gift-cards-key' },\n  // new:vendor");
    expect(() => addToRegistry('export const x = [];', plan.subgraph, plan.vendor)).toThrow(/new:subgraph/);
  });

  it('a template token without a value is a template bug, not silent output', () => {
    expect(() => fill('type __Pascal__ {}', {})).toThrow(/__Pascal__ has no value/);
    expect(fill('__typename __Pascal__', { Pascal: 'GiftCards' })).toBe('__typename GiftCards');
  });
});
