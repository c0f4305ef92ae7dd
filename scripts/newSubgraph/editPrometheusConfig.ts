import { parseDocument } from 'yaml';
import { scrapeJobsOf } from '../checkWiring.js';

const FILE = 'deploy/prometheus/prometheus.yml';

/** Each job's name and targets, in the file's order. */
function scrapeJobs(text: string): { name: string; targets: string[] }[] {
  const doc = parseDocument(text);
  if (doc.errors.length > 0) throw new Error(`${FILE} does not parse: ${doc.errors[0]!.message}`);
  try {
    return scrapeJobsOf(doc.toJS());
  } catch (err) {
    throw new Error(`${FILE} ${(err as Error).message}`);
  }
}

/**
 * The Prometheus scrape config with a job for the new subgraph, in the style of the others:
 * named after its compose service, scraping `<name>:<port>` (each subgraph serves GET /metrics
 * on its own port), appended after the last job. A text edit, so that the file's comments and
 * order stay; the result is parsed back and checked, so a file laid out differently fails
 * loudly instead of half-edited. A job that is already there with that one target is left
 * as it is (the generator can meet a job an operator added by hand); with another target,
 * it stops rather than guess which one is right.
 */
export function addToPrometheusConfig(text: string, add: { readonly name: string; readonly port: number }): string {
  const target = `${add.name}:${add.port}`;
  const before = scrapeJobs(text);
  const existing = before.find((job) => job.name === add.name);
  if (existing !== undefined) {
    if (existing.targets.length === 1 && existing.targets[0] === target) return text;
    throw new Error(`${FILE}: job "${add.name}" already scrapes ${JSON.stringify(existing.targets)}, expected ["${target}"]; fix it by hand`);
  }

  const lines = text.split('\n');
  const byHand = `add the job by hand: - job_name: ${add.name} / static_configs: - targets: ["${target}"]`;
  const start = lines.findIndex((l) => /^scrape_configs:\s*(#.*)?$/.test(l));
  if (start < 0) throw new Error(`${FILE}: could not find a block "scrape_configs:"; ${byHand}`);
  // The block runs to the next top-level key; its last indented line ends its last job.
  let end = lines.findIndex((l, i) => i > start && /^[^\s#]/.test(l));
  if (end < 0) end = lines.length;
  const jobStarts = lines.map((l, i) => (i > start && i < end && /^\s*- job_name:/.test(l) ? i : -1)).filter((i) => i >= 0);
  const last = lines.reduce((found, l, i) => (i > start && i < end && /^\s+\S/.test(l) ? i : found), -1);
  if (jobStarts.length === 0 || last < 0) throw new Error(`${FILE}: scrape_configs lists no "- job_name:" to follow; ${byHand}`);

  // The indentation of the existing jobs, and a blank line between jobs when they have one.
  const indent = /^(\s*)-/.exec(lines[jobStarts[0]!]!)![1]!;
  const lastJob = jobStarts[jobStarts.length - 1]!;
  const spaced = jobStarts.length < 2 || lines[lastJob - 1]!.trim() === '';
  const job = [`${indent}- job_name: ${add.name}`, `${indent}  static_configs:`, `${indent}    - targets: ["${target}"]`];
  lines.splice(last + 1, 0, ...(spaced ? [''] : []), ...job);
  const out = lines.join('\n');

  const after = scrapeJobs(out);
  const expected = [...before, { name: add.name, targets: [target] }];
  if (JSON.stringify(after) !== JSON.stringify(expected)) {
    throw new Error(`${FILE}: adding the job "${add.name}" did not come out as expected; ${byHand}`);
  }
  return out;
}
