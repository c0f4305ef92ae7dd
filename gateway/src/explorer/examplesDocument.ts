import { parse, print } from 'graphql';
import type { ExplorerExample } from './ExplorerExample.js';

const INTRO = `# The app's operations, as its builds send them. Run one
# from the run button's menu, or put the cursor in it and
# press Ctrl-Enter. The schema's docs: the top-left button.
`;

/**
 * The examples as one GraphiQL document, in their order: the run button then lists them
 * all. Two operations may share a fragment; a document may define it once, so a fragment
 * already written (same name, same text) is not written again.
 */
export function examplesDocument(examples: readonly ExplorerExample[]): string {
  const fragments = new Map<string, string>();
  const parts = examples.map(({ document }) => {
    let definitions;
    try {
      definitions = parse(document).definitions;
    } catch {
      // Shown as written: GraphiQL points at what does not parse.
      return document.trim();
    }
    const repeated = definitions.filter((definition) => {
      if (definition.kind !== 'FragmentDefinition') return false;
      const printed = print(definition);
      if (fragments.get(definition.name.value) === printed) return true;
      fragments.set(definition.name.value, printed);
      return false;
    });
    // As written (comments too), unless a fragment must go.
    if (repeated.length === 0) return document.trim();
    return definitions
      .filter((definition) => !repeated.includes(definition))
      .map((definition) => document.slice(definition.loc!.start, definition.loc!.end))
      .join('\n\n');
  });
  return `${INTRO}\n${parts.join('\n\n')}\n`;
}
