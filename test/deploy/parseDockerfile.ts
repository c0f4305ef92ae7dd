/** One instruction of a Dockerfile, continuation lines joined, e.g. `{ keyword: 'COPY', args: '--from=build /app/dist ./dist' }`. */
export interface Instruction {
  readonly keyword: string;
  readonly args: string;
  /** 1-based, where it starts. */
  readonly line: number;
}

export interface Stage {
  /** The base image as written (`${NODE_IMAGE}`) and with the global ARG defaults put in. */
  readonly from: string;
  readonly image: string;
  readonly name: string | undefined;
  readonly instructions: readonly Instruction[];
}

export interface ParsedDockerfile {
  /** Global ARGs (before the first FROM) and their defaults. */
  readonly args: Readonly<Record<string, string>>;
  readonly stages: readonly Stage[];
}

/**
 * Enough of the Dockerfile syntax to check what an image is made of without an engine:
 * comments, `\` continuations, global ARG defaults, stages (`FROM image AS name`). No
 * heredocs, no parser directives other than comments.
 */
export function parseDockerfile(text: string): ParsedDockerfile {
  const instructions: Instruction[] = [];
  let pending: { text: string; line: number } | undefined;
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (line.startsWith('#') || (line === '' && pending === undefined)) return;
    const continued = line.endsWith('\\');
    const part = continued ? line.slice(0, -1).trim() : line;
    pending = pending === undefined ? { text: part, line: i + 1 } : { text: `${pending.text} ${part}`.trim(), line: pending.line };
    if (continued) return;
    const match = /^(\S+)\s*(.*)$/s.exec(pending.text);
    if (match !== null) instructions.push({ keyword: match[1]!.toUpperCase(), args: match[2]!, line: pending.line });
    pending = undefined;
  });

  const args: Record<string, string> = {};
  const stages: { from: string; image: string; name: string | undefined; instructions: Instruction[] }[] = [];
  for (const instruction of instructions) {
    if (instruction.keyword === 'FROM') {
      const [from = '', as, name] = instruction.args.split(/\s+/);
      const image = from.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a: string | undefined, b: string | undefined) => args[(a ?? b)!] ?? '');
      stages.push({ from, image, name: as?.toUpperCase() === 'AS' ? name : undefined, instructions: [] });
    } else if (stages.length === 0) {
      if (instruction.keyword === 'ARG') {
        const [name = '', value = ''] = instruction.args.split('=', 2);
        args[name.trim()] = value.trim();
      }
    } else {
      stages.at(-1)!.instructions.push(instruction);
    }
  }
  return { args, stages };
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
