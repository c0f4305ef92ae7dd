/** One instruction of a Dockerfile, continuation lines joined, e.g. `{ keyword: 'COPY', args: '--from=build /app/dist ./dist' }`. */
export interface Instruction {
  readonly keyword: string;
  readonly args: string;
}

export interface Stage {
  /** The base image, with the global ARG defaults put in (`${NODE_IMAGE}` → `node:24-trixie-slim`). */
  readonly image: string;
  readonly name: string | undefined;
  readonly instructions: readonly Instruction[];
}

export interface ParsedDockerfile {
  readonly stages: readonly Stage[];
}

/**
 * Enough of the Dockerfile syntax to check what an image is made of without an engine:
 * comments, `\` continuations, global ARG defaults, stages (`FROM image AS name`). No
 * heredocs, no parser directives other than comments.
 */
export function parseDockerfile(text: string): ParsedDockerfile {
  const instructions: Instruction[] = [];
  let pending: string | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && pending === undefined)) continue;
    const continued = line.endsWith('\\');
    const part = continued ? line.slice(0, -1).trim() : line;
    pending = pending === undefined ? part : `${pending} ${part}`.trim();
    if (continued) continue;
    const match = /^(\S+)\s*(.*)$/s.exec(pending);
    if (match !== null) instructions.push({ keyword: match[1]!.toUpperCase(), args: match[2]! });
    pending = undefined;
  }

  /** Global ARGs (before the first FROM) and their defaults. */
  const args: Record<string, string> = {};
  const stages: { image: string; name: string | undefined; instructions: Instruction[] }[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [from = '', as, name] = instruction.args.split(/\s+/);
      const image = from.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string | undefined, b: string | undefined) => args[(a ?? b)!] ?? '');
      stages.push({ image, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else if (stages.length === 0) {
      if (instruction.keyword === 'ARG') {
        const [name = '', value = ''] = instruction.args.split('=', 2);
        args[name.trim()] = value.trim();
      }
    } else {
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  return { stages };
}

/** The exec form (`["node", "dist/x.js"]`) of a CMD, ENTRYPOINT or HEALTHCHECK CMD; undefined for the shell form. */
export function execForm(args: string): string[] | undefined {
  const text = args.trim();
  if (!text.startsWith('[')) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) && parsed.every((a) => typeof a === 'string') ? (parsed as string[]) : undefined;
  } catch {
    return undefined;
  }
}

/** A COPY's flags (`--from`, `--chown`, …), sources and destination. */
export function copyOf(instruction: Instruction): { readonly flags: Readonly<Record<string, string>>; readonly sources: readonly string[]; readonly dest: string } {
  const words = instruction.args.split(/\s+/).filter((w) => w !== '');
  const flags: Record<string, string> = {};
  while (words[0]?.startsWith('--')) {
    const [flag = '', value = ''] = words.shift()!.slice(2).split('=', 2);
    flags[flag] = value;
  }
  const dest = words.pop() ?? '';
  return { flags, sources: words, dest };
}
