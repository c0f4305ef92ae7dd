import { isMap, isScalar } from 'yaml';
import { lineAfter, lineStart, parseDocs } from './yamlSource.js';

export const COMPOSE_DEV = 'deploy/compose/dev.yml';

/**
 * deploy/compose/dev.yml (docker-compose.yml's development override) with the new subgraph in
 * development mode like the others: `NODE_ENV: development`, inserted before the gateway's
 * entry (else after the last service). Placed by the parsed file's own positions, so every
 * other line stays as it is; a subgraph already there is left alone.
 */
export function addToComposeDevFile(text: string, name: string): string {
  const byHand = `add "${name}: { environment: { NODE_ENV: development } }" by hand`;
  const services = parseDocs(text, COMPOSE_DEV)[0]!.get('services', true);
  if (!isMap(services) || services.flow || services.items.length === 0) throw new Error(`${COMPOSE_DEV}: no block "services:" map to add ${name} to; ${byHand}`);
  if (services.has(name)) return text;
  const keyStart = (pair: (typeof services.items)[number]) => (isScalar(pair.key) && pair.key.range ? pair.key.range[0] : -1);
  const first = keyStart(services.items[0]!);
  const indent = text.slice(lineStart(text, first), first);
  if (first < 0 || !/^ +$/.test(indent)) throw new Error(`${COMPOSE_DEV}: services laid out unexpectedly; ${byHand}`);
  const entry = [`${indent}${name}:`, `${indent}  environment:`, `${indent}    NODE_ENV: development`].map((l) => `${l}\n`).join('');
  const gateway = services.items.find((pair) => isScalar(pair.key) && pair.key.value === 'gateway');
  const at = gateway !== undefined ? lineStart(text, keyStart(gateway)) : lineAfter(text, services.range?.[1] ?? text.length);
  const out = `${text.slice(0, at)}${at === text.length && !text.endsWith('\n') ? '\n' : ''}${entry}${text.slice(at)}`;
  const parsed = parseDocs(out, COMPOSE_DEV)[0]!.toJS() as { services?: Record<string, { environment?: Record<string, unknown> }> };
  if (parsed.services?.[name]?.environment?.NODE_ENV !== 'development') throw new Error(`${COMPOSE_DEV}: adding ${name} did not come out as expected; add it by hand`);
  return out;
}
