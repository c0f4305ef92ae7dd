/** The approvals file (project-relative): breaking changes a team accepted on purpose, and exceptions to the nullable rule. */
export const APPROVALS_FILE = 'schema/approved-changes.json';

interface Signed {
  /** Why it is acceptable for the app builds in the field (what an old build sees). */
  readonly reason: string;
  /** Who decided (a person or team). */
  readonly approvedBy: string;
  /** When, `YYYY-MM-DD`. */
  readonly approvedOn: string;
}

/** One breaking change of the API schema, as `npm run schema:check` prints it (its path and message). */
export interface BreakingChangeApproval extends Signed {
  readonly path: string;
  readonly message: string;
}

/** A vendor-backed field allowed to stay non-null (one that shipped before the rule, where nullable would hurt old builds more). */
export interface NullableRuleException extends Signed {
  readonly subgraph: string;
  /** `Type.field`. */
  readonly field: string;
}

export interface Approvals {
  readonly breakingChanges: readonly BreakingChangeApproval[];
  readonly nullableRuleExceptions: readonly NullableRuleException[];
}

export const NO_APPROVALS: Approvals = { breakingChanges: [], nullableRuleExceptions: [] };

export type ParsedApprovals = { readonly ok: true; readonly approvals: Approvals } | { readonly ok: false; readonly errors: readonly string[] };

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** Parses the approvals file (`undefined`: there is none, nothing approved). Every problem is reported, prefixed with `where`. */
export function parseApprovals(where: string, text: string | undefined): ParsedApprovals {
  if (text === undefined) return { ok: true, approvals: NO_APPROVALS };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return { ok: false, errors: [`${where}: not valid JSON: ${(err as Error).message}`] };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, errors: [`${where}: expected a JSON object`] };
  const errors: string[] = [];
  const { breakingChanges = [], nullableRuleExceptions = [] } = value as Record<string, unknown>;
  const entries = (key: string, list: unknown, required: readonly string[]) => {
    if (!Array.isArray(list)) return void errors.push(`${where}: "${key}" must be an array`);
    list.forEach((entry: unknown, index) => {
      const at = `${where}: ${key}[${index}]`;
      if (typeof entry !== 'object' || entry === null) return void errors.push(`${at} is not an object`);
      for (const field of required) {
        const v = (entry as Record<string, unknown>)[field];
        if (typeof v !== 'string' || v.trim() === '') errors.push(`${at}: "${field}" must be a non-empty string`);
      }
      const date = (entry as Record<string, unknown>).approvedOn;
      if (typeof date === 'string' && !DATE.test(date)) errors.push(`${at}: "approvedOn" must be a date, YYYY-MM-DD`);
    });
  };
  const signed = ['reason', 'approvedBy', 'approvedOn'];
  entries('breakingChanges', breakingChanges, ['path', 'message', ...signed]);
  entries('nullableRuleExceptions', nullableRuleExceptions, ['subgraph', 'field', ...signed]);
  if (errors.length > 0) return { ok: false, errors };
  return {
    ok: true,
    approvals: {
      breakingChanges: breakingChanges as BreakingChangeApproval[],
      nullableRuleExceptions: nullableRuleExceptions as NullableRuleException[],
    },
  };
}
