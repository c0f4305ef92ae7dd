import type { Sandbox } from '../../vendors/startSandbox.js';

/**
 * Everything a client must never see about the vendors behind the graph: brand names,
 * hosts, ports, keys, and the words their error bodies use.
 */
export function vendorSecrets(sandbox: Sandbox): string[] {
  const out: string[] = [];
  for (const vendor of sandbox.vendors) {
    const url = new URL(vendor.url);
    out.push(vendor.brand, vendor.brand.toLowerCase(), vendor.apiKey, vendor.url, `:${url.port}`);
  }
  out.push('ECONNREFUSED', 'stack', '.internal', 'at async', 'node_modules');
  return out;
}

export function findLeaks(text: string, sandbox: Sandbox): string[] {
  return vendorSecrets(sandbox).filter((secret) => text.includes(secret));
}
