import type { Names } from './names.js';

/** .env.example with the new subgraph's block next to the others' and its vendor's port in the sandbox block. */
export function addToEnvExample(text: string, add: { subgraph: Names; port: number; vendor: Names; vendorPort: number; vendorKey: string }): string {
  const { pascal, prefix } = add.subgraph;
  const block = [
    `# ${pascal} → ${add.vendor.name} vendor`,
    `${prefix}_PORT=${add.port}`,
    `${prefix}_VENDOR_URL=http://127.0.0.1:${add.vendorPort}`,
    `${prefix}_VENDOR_KEY=${add.vendorKey}`,
    `# ${prefix}_VENDOR_DEADLINE_MS=1000`,
    `# ${prefix}_CACHE_TTL_MS=60000`,
    '',
  ].join('\n');
  const lines = text.split('\n');
  // After the last subgraph block (the last `<X>_VENDOR_KEY=` line and its comments), else at the end.
  const lastKey = lines.reduce((last, l, i) => (/^[A-Z0-9_]+_VENDOR_KEY=/.test(l) ? i : last), -1);
  let insertAt = lines.length;
  if (lastKey >= 0) {
    insertAt = lastKey + 1;
    while (insertAt < lines.length && lines[insertAt]!.startsWith('#')) insertAt++;
    if (lines[insertAt] === '') insertAt++;
  }
  lines.splice(insertAt, 0, ...block.split('\n'));
  const lastPort = lines.reduce((last, l, i) => (/^SANDBOX_[A-Z0-9_]+_PORT=/.test(l) ? i : last), -1);
  const portLine = `SANDBOX_${add.vendor.prefix}_PORT=${add.vendorPort}`;
  if (lastPort >= 0) lines.splice(lastPort + 1, 0, portLine);
  else lines.push(portLine);
  return lines.join('\n');
}
