import { checkSchema } from './check/checkSchema.js';
import { formatSchemaCheck } from './check/formatSchemaCheck.js';
import { readSchemaCheckInput } from './check/readSchemaCheckInput.js';

/**
 * `npm run schema:check`: would the subgraphs as they are now break an app build in the
 * field? Classifies every API schema change against the committed supergraph, validates
 * every supported app build's operations (schema/app-builds/) and the app's own
 * (test/operations/), applies the nullable rule, and exits 1 on anything not approved in
 * schema/approved-changes.json. See schema/README.md.
 *
 * The baseline is the supergraph committed at HEAD; `--base <rev>` judges against another
 * revision (a pull request's CI passes its target branch, e.g. `--base origin/main`).
 */
const baseAt = process.argv.indexOf('--base');
const base = baseAt >= 0 ? process.argv[baseAt + 1] : undefined;
if (baseAt >= 0 && (base === undefined || base.startsWith('-'))) {
  process.stderr.write('usage: npm run schema:check [-- --base <git revision>]\n');
  process.exit(1);
}
const read = readSchemaCheckInput({ base });
if (!read.ok) {
  for (const e of read.errors) process.stderr.write(`error: ${e}\n`);
  process.exit(1);
}
const report = await checkSchema(read.input);
for (const line of formatSchemaCheck(report, read.baseline)) (report.ok ? process.stdout : process.stderr).write(`${line}\n`);
process.exit(report.ok ? 0 : 1);
