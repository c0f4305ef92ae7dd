import { isMap, isScalar, isSeq, parseAllDocuments, type Document, type Node, type YAMLSeq } from 'yaml';

/**
 * Edits of YAML source that keep it byte for byte outside the edit: the file is parsed (the
 * `yaml` package's Document API, which knows where each node is), the node to change is found by
 * its place in the structure, and text is spliced in at that node's offsets. Re-serialising the
 * whole document instead would restyle every flow collection and comment of a hand-written
 * manifest. Callers parse the result back and check it.
 */

export type Docs = Document.Parsed[];

/** Every document of a (multi-document) YAML file; a file that does not parse stops the generator. */
export function parseDocs(text: string, file: string): Docs {
  const docs = parseAllDocuments(text);
  if (!Array.isArray(docs)) throw new Error(`${file} is empty`);
  for (const doc of docs) if (doc.errors.length > 0) throw new Error(`${file} does not parse: ${doc.errors[0]!.message}`);
  return docs;
}

/** The node at `path` of `doc`, if it is a sequence. */
export function seqAt(doc: Document.Parsed, path: readonly (string | number)[]): YAMLSeq | undefined {
  const node = doc.getIn(path, true);
  return isSeq(node) ? node : undefined;
}

/** The document (of a multi-document file) holding the `kind` named `name`. */
export function objectDoc(docs: Docs, kind: string, name: string): Document.Parsed | undefined {
  return docs.find((d) => d.get('kind') === kind && d.getIn(['metadata', 'name']) === name);
}

const rangeOf = (node: Node, file: string) => {
  if (node.range === undefined || node.range === null) throw new Error(`${file}: a node without a source position`);
  return node.range;
};

/**
 * `text` with `item` added as the last entry of the block sequence `seq`, or after `after` (an
 * item of it). `item` is its lines as they would read at column 0, the first one starting with
 * "- "; they are indented like the sequence's own items.
 */
export function insertIntoSeq(text: string, seq: YAMLSeq, item: readonly string[], file: string, after?: unknown): string {
  if (seq.flow) throw new Error(`${file}: a flow sequence ([…]) where a block sequence (- …) was expected`);
  const first = seq.items[0];
  if (first === undefined || !isNode(first)) throw new Error(`${file}: an empty sequence, nothing to model an entry on`);
  const firstStart = rangeOf(first, file)[0];
  const marker = /^(\s*)-\s+$/.exec(text.slice(lineStart(text, firstStart), firstStart));
  if (marker === null) throw new Error(`${file}: a sequence laid out unexpectedly (its first entry does not start its line with "- ")`);
  const indent = marker[1]!;

  const anchor = after ?? seq.items[seq.items.length - 1];
  if (!isNode(anchor) || !seq.items.includes(anchor)) throw new Error(`${file}: internal error, the entry to insert after is not in the sequence`);
  // After the anchor's value (a trailing comment on its line stays with it).
  const at = lineAfter(text, rangeOf(anchor, file)[1]);
  const lines = item.map((line) => `${indent}${line}\n`).join('');
  return at === text.length && !text.endsWith('\n') ? `${text}\n${lines.slice(0, -1)}` : `${text.slice(0, at)}${lines}${text.slice(at)}`;
}

/** The offset of the start of the line holding `offset`. */
export const lineStart = (text: string, offset: number) => text.lastIndexOf('\n', offset - 1) + 1;

/** The offset of the start of the line after the text ending at `end` (`text.length` at the last line). */
export const lineAfter = (text: string, end: number) => (text[end - 1] === '\n' ? end : text.indexOf('\n', end) + 1 || text.length);

/** `text` with the plain scalar `node` given the source `source` (checked by the caller's parse back). */
export function replaceScalar(text: string, node: unknown, source: string, file: string): string {
  if (!isScalar(node)) throw new Error(`${file}: internal error, not a scalar`);
  const [start, end] = rangeOf(node, file);
  return `${text.slice(0, start)}${source}${text.slice(end)}`;
}

function isNode(value: unknown): value is Node {
  return isMap(value) || isSeq(value) || isScalar(value);
}
