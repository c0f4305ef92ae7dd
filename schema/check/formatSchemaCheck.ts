import { APPROVALS_FILE } from './approvals.js';
import type { SchemaCheckReport } from './checkSchema.js';

const LABEL = { breaking: 'BREAKING ', dangerous: 'DANGEROUS', safe: 'SAFE     ' } as const;

/**
 * The report for a team, one line per finding:
 *   BREAKING  Query.products: Field 'Query.products' changed type from … (approved by …)
 *   schema/app-builds/ios-3.1.0.json:32: HomeScreen: Cannot query field … (line 7 of its body)
 *   subgraphs/catalog/schema.graphql:11: Query.products: ProductConnection! must be nullable: …
 * then what was refused and how to go on. `against` names the committed supergraph.
 */
export function formatSchemaCheck(report: SchemaCheckReport, against: string): string[] {
  if (report.errors.length > 0) return [`schema check failed before comparing:`, ...report.errors.map((e) => `  error: ${e}`)];
  const lines: string[] = [];
  if (!report.compared) lines.push(`No committed supergraph (${against}) to compare with: every type is new.`);
  else if (report.changes.length === 0) lines.push(`API schema: no change against ${against}.`);
  else {
    lines.push(`API schema changes against ${against} (${report.changes.length}):`);
    for (const change of report.changes) {
      const approved = change.approval ? `  [approved by ${change.approval.approvedBy} on ${change.approval.approvedOn}: ${change.approval.reason}]` : '';
      lines.push(`  ${LABEL[change.level]} ${change.path}: ${change.message}${approved}`);
    }
  }

  if (report.brokenOperations.length > 0) {
    lines.push(`Operations that no longer validate against the new API schema (${report.brokenOperations.length}):`);
    for (const op of report.brokenOperations) lines.push(`  ${op.file}:${op.line}: ${op.operation}: ${op.message}`);
  }

  const refusedViolations = report.violations.filter((v) => !v.exception);
  if (report.violations.length > 0) {
    lines.push(`Vendor-backed fields that must be nullable (${refusedViolations.length} refused, ${report.violations.length - refusedViolations.length} excepted):`);
    for (const v of report.violations) {
      const excepted = v.exception ? `  [exception approved by ${v.exception.approvedBy} on ${v.exception.approvedOn}: ${v.exception.reason}]` : '';
      lines.push(`  ${v.file}:${v.line}: ${v.field}: ${v.type} must be nullable: ${v.why}${excepted}`);
    }
  }

  for (const a of report.unusedApprovals) {
    lines.push(`  retired approval: ${a.path}: "${a.message}" matches no pending change (it is in ${against} now, or mistyped): delete it from ${APPROVALS_FILE}`);
  }
  for (const e of report.unusedExceptions) {
    lines.push(`  unused exception: ${e.subgraph} ${e.field} is nullable now (or mistyped): delete it from ${APPROVALS_FILE}`);
  }

  const unapproved = report.changes.filter((c) => c.level === 'breaking' && !c.approval);
  if (report.ok) {
    lines.push(`schema check passed: no app build breaks${report.changes.some((c) => c.approval) ? ' (approved breaking changes above)' : ''}.`);
    return lines;
  }
  const refused = [
    unapproved.length > 0 ? `${unapproved.length} breaking change${unapproved.length === 1 ? '' : 's'} not approved` : '',
    report.brokenOperations.length > 0 ? `${report.brokenOperations.length} operation error${report.brokenOperations.length === 1 ? '' : 's'}` : '',
    refusedViolations.length > 0 ? `${refusedViolations.length} non-null vendor-backed field${refusedViolations.length === 1 ? '' : 's'}` : '',
  ].filter((part) => part !== '');
  lines.push(`schema check refused: ${refused.join(', ')}.`);
  if (unapproved.length > 0) {
    lines.push(`  A breaking change passes once approved in ${APPROVALS_FILE} ("breakingChanges"), e.g.:`);
    const c = unapproved[0]!;
    lines.push(`  ${JSON.stringify({ path: c.path, message: c.message, reason: 'what an installed build sees, and why that is acceptable', approvedBy: 'team', approvedOn: 'YYYY-MM-DD' })}`);
  }
  if (report.brokenOperations.length > 0) lines.push('  An operation an app build sends must keep validating: keep the field, or retire the build first (npm run app-build:retire).');
  if (refusedViolations.length > 0) lines.push('  Make the field nullable (its vendor can fail), or record an exception with its reason ("nullableRuleExceptions").');
  return lines;
}
