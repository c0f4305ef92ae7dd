import type { Names } from './names.js';

/**
 * .env.example with the new subgraph's vendor among the real vendors' settings (commented out,
 * as theirs are: used as .env as it is, the file must point no container at this machine) and
 * its sandbox vendor's port with the others' (`npm start` only).
 */
export function addToEnvExample(text: string, add: { subgraph: Names; port: number; vendor: Names; vendorPort: number; vendorKey: string }): string {
  const { prefix } = add.subgraph;
  const block = [`# ${prefix}_VENDOR_URL='https://api.${add.vendor.name}.example.com'`, `# ${prefix}_VENDOR_KEY='…'`];
  const lines = text.split('\n');
  if (lines.some((l) => l.startsWith(`# ${prefix}_VENDOR_URL=`))) return text;
  // After the real vendors' lines: the last `# <X>_VENDOR_URL=` / `_KEY=` and the settings that follow it, else at the end.
  const lastVendor = lines.reduce((last, l, i) => (/^# [A-Z0-9_]+_VENDOR_(URL|KEY)=/.test(l) ? i : last), -1);
  let insertAt = lines.length;
  if (lastVendor >= 0) {
    insertAt = lastVendor + 1;
    while (insertAt < lines.length && /^# [A-Z0-9_]+=/.test(lines[insertAt]!)) insertAt++;
  } else if (lines.at(-1) === '') insertAt = lines.length - 1;
  lines.splice(insertAt, 0, ...block);
  const lastPort = lines.reduce((last, l, i) => (/^SANDBOX_[A-Z0-9_]+_PORT=/.test(l) ? i : last), -1);
  const portLine = `SANDBOX_${add.vendor.prefix}_PORT=${add.vendorPort}`;
  if (lastPort >= 0) lines.splice(lastPort + 1, 0, portLine);
  else lines.push(portLine);
  return lines.join('\n');
}
