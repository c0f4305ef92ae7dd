import { parseDocument } from 'yaml';
import type { Names } from './names.js';

export interface ComposeAddition {
  readonly subgraph: Names;
  readonly port: number;
  readonly vendor: Names;
  readonly vendorPort: number;
  readonly vendorKey: string;
}

/**
 * docker-compose.yml with the new subgraph wired in the way the others are: its service,
 * its URL in the gateway's SUBGRAPH_URLS, the gateway waiting for it, and its vendor's key
 * in the sandbox. Text edits keep the file's comments and anchors; the result is parsed
 * back and checked, so a file laid out differently fails loudly instead of half-edited.
 */
export function addToComposeFile(text: string, add: ComposeAddition): string {
  const { name, prefix } = add.subgraph;
  const lines = text.split('\n');
  const at = (predicate: (line: string) => boolean, what: string, from = 0) => {
    const i = lines.findIndex((line, n) => n >= from && predicate(line));
    if (i < 0) throw new Error(`docker-compose.yml: could not find ${what}; add the ${name} service by hand (see the others)`);
    return i;
  };

  // The sandbox accepts the key the subgraph sends.
  const sandbox = at((l) => l === '  sandbox:', 'the sandbox service');
  const lastKey = lines.reduce((last, l, i) => (i > sandbox && /^ {6}SANDBOX_[A-Z0-9_]+_KEY:/.test(l) ? i : last), -1);
  if (lastKey < 0) throw new Error('docker-compose.yml: the sandbox service lists no SANDBOX_*_KEY');
  lines.splice(lastKey + 1, 0, `      SANDBOX_${add.vendor.prefix}_KEY: \${${prefix}_VENDOR_KEY:-${add.vendorKey}}`);

  // The gateway routes to it and waits for it.
  const gateway = at((l) => l === '  gateway:', 'the gateway service');
  const urls = at((l) => /^ {6}SUBGRAPH_URLS: /.test(l), "the gateway's SUBGRAPH_URLS", gateway);
  lines[urls] = `${lines[urls]},${name}=http://${name}:${add.port}/graphql`;
  const dependsOn = at((l) => l === '    depends_on:', "the gateway's depends_on", gateway);
  let last = dependsOn;
  while (/^ {6}\S/.test(lines[last + 1] ?? '')) last++;
  lines.splice(last + 1, 0, `      ${name}: { condition: service_healthy }`);

  // Its own service, just before the gateway's.
  const service = [
    `  ${name}:`,
    '    <<: *service',
    // The image's compiled entry (npm run build), run with plain node like the other services.
    `    command: ["node", "dist/subgraphs/${name}/main.js"]`,
    '    environment:',
    '      <<: *common-env',
    `      ${prefix}_HOST: 0.0.0.0`,
    `      ${prefix}_VENDOR_URL: \${${prefix}_VENDOR_URL:-http://sandbox:${add.vendorPort}}`,
    `      ${prefix}_VENDOR_KEY: \${${prefix}_VENDOR_KEY:-${add.vendorKey}}`,
    '    depends_on:',
    '      redis: { condition: service_healthy }',
    '      sandbox: { condition: service_healthy }',
    '    healthcheck:',
    '      <<: *ready',
    `      test: ["CMD", "node", "-e", "fetch('http://127.0.0.1:${add.port}/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]`,
    '',
  ];
  lines.splice(gateway, 0, ...service);
  const out = lines.join('\n');

  const doc = parseDocument(out, { merge: true });
  if (doc.errors.length > 0) throw new Error(`docker-compose.yml would not parse after adding ${name}: ${doc.errors[0]!.message}`);
  const parsed = doc.toJS() as { services: Record<string, { environment?: Record<string, string>; depends_on?: Record<string, unknown> }> };
  const gw = parsed.services.gateway;
  if (!parsed.services[name] || !gw?.environment?.SUBGRAPH_URLS?.includes(`${name}=`) || !gw.depends_on?.[name]) {
    throw new Error(`docker-compose.yml: adding ${name} did not come out as expected; add it by hand (see the others)`);
  }
  return out;
}
