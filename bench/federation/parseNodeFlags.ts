/** What `--node-flags` may hold: V8's heap sizes, in MiB (the knobs a container's memory limit turns). */
const HEAP_FLAG = /^--max-(old|semi)-space-size=[1-9]\d{0,5}$/;

/**
 * The runner's `--node-flags`: node flags given to both gateways alike, e.g. the heap sizes
 * Node picks in a container with a memory limit (README, 'In a container with a memory limit').
 * Only heap sizes, each at most once, so that the flag cannot change what else is compared.
 * Throws with the offending flag.
 */
export function parseNodeFlags(raw: string | undefined): string[] {
  const flags = (raw ?? '').split(/\s+/).filter((flag) => flag !== '');
  const seen = new Set<string>();
  for (const flag of flags) {
    if (!HEAP_FLAG.test(flag)) throw new Error(`expected --max-old-space-size=<MiB> and/or --max-semi-space-size=<MiB>, got "${flag}"`);
    const name = flag.slice(0, flag.indexOf('='));
    if (seen.has(name)) throw new Error(`${name} given twice`);
    seen.add(name);
  }
  return flags;
}
