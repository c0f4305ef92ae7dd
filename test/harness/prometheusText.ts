/** One sample of Prometheus' text exposition format. */
export interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

export interface Exposition {
  readonly samples: readonly Sample[];
  /** `# TYPE` of each metric family. */
  readonly types: ReadonlyMap<string, string>;
  /** Samples of `name` whose labels include every one of `labels`. */
  find(name: string, labels?: Readonly<Record<string, string>>): Sample[];
  /** The one sample of `name` with `labels` (0 when there is none: a counter not yet incremented). */
  value(name: string, labels?: Readonly<Record<string, string>>): number;
  /** Sum over the samples of `name` matching `labels`. */
  sum(name: string, labels?: Readonly<Record<string, string>>): number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)(?:\s+\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"\s*,?\s*/gy;

/**
 * Parses the text format (version 0.0.4) strictly: a line that is neither a comment nor a
 * well-formed sample fails the test, so a broken exposition cannot pass as "no samples".
 */
export function parsePrometheusText(text: string): Exposition {
  const samples: Sample[] = [];
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    if (line.startsWith('#')) {
      const type = /^# TYPE (\S+) (\S+)$/.exec(line);
      if (type) types.set(type[1]!, type[2]!);
      continue;
    }
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    const body = match[2] ?? '';
    LABEL.lastIndex = 0;
    let consumed = 0;
    for (let m = LABEL.exec(body); m !== null; m = LABEL.exec(body)) {
      labels[m[1]!] = m[2]!.replace(/\\n/g, '\n').replace(/\\"/g, '"').replace(/\\\\/g, '\\');
      consumed = LABEL.lastIndex;
    }
    if (consumed !== body.length) throw new Error(`malformed labels in: ${line}`);
    const raw = match[3]!;
    const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
    if (Number.isNaN(value) && raw !== 'NaN') throw new Error(`not a number in: ${line}`);
    samples.push({ name: match[1]!, labels, value });
  }
  const matches = (s: Sample, labels: Readonly<Record<string, string>>) => Object.entries(labels).every(([k, v]) => s.labels[k] === v);
  const find = (name: string, labels: Readonly<Record<string, string>> = {}) => samples.filter((s) => s.name === name && matches(s, labels));
  return {
    samples,
    types,
    find,
    value(name, labels = {}) {
      const found = find(name, labels);
      if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}; name every label`);
      return found[0]?.value ?? 0;
    },
    sum: (name, labels = {}) => find(name, labels).reduce((total, s) => total + s.value, 0),
  };
}

/** GET `<origin>/metrics`, parsed. */
export async function scrape(origin: string): Promise<Exposition> {
  const res = await fetch(`${origin}/metrics`);
  if (res.status !== 200) throw new Error(`GET ${origin}/metrics answered ${res.status}`);
  return parsePrometheusText(await res.text());
}
