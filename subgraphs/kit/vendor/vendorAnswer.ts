import type * as z from 'zod';
import { VendorItemError } from '../errors/VendorItemError.js';

/** Where an answer came from, for the errors it may produce (logs only). */
export interface AnswerSource {
  readonly vendor: string;
  readonly operation: string;
}

/** zod's issues in one line: `data[3].title: Too big: expected string to have <=200 characters; …` (never the value). */
export function describeIssues(error: z.ZodError, at = 'body'): string {
  const shown = error.issues.slice(0, 5).map((issue) => {
    const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
    return `${at}${path}: ${issue.message}`;
  });
  const more = error.issues.length > shown.length ? `; and ${error.issues.length - shown.length} more` : '';
  return shown.join('; ') + more;
}

/**
 * The whole answer against `schema`; throws when it does not match (inside `parse`, the
 * vendor client turns that into `VendorError('bad_response')`: the whole call fails). For
 * what cannot be dropped item by item: an envelope, a single record, a write's answer.
 */
export function parseAnswer<S extends z.ZodType>(schema: S, json: unknown, at = 'body'): z.output<S> {
  const result = schema.safeParse(json);
  if (!result.success) throw new Error(`vendor answer refused: ${describeIssues(result.error, at)}`);
  return result.data;
}

export interface ItemsOptions<S extends z.ZodType> {
  readonly source: AnswerSource;
  /** One item's schema (it may transform the vendor's record into our model). */
  readonly item: S;
  /** The vendor's field that holds an item's id, read before the item is checked, to map a bad item back to its key. */
  readonly idField: string;
  /** Where the list is in the answer, for messages (e.g. 'body.data'). */
  readonly at: string;
}

/**
 * A batch answer for the ids `asked`: each item checked on its own. A good item passes;
 * a bad one becomes a `VendorItemError` for its id (that key is null + VENDOR_BAD_RESPONSE,
 * the others are served); an item whose id was not asked, or sent twice, cannot be trusted
 * to belong to anyone. The whole call fails (throws) when the vendor sends more items than
 * ids were asked. When some items could not be mapped to an asked id, the asked ids left
 * without an item become `VendorItemError`s too, not "missing" (a missing key would be a
 * cached `null`, i.e. "no such thing", for something the vendor may well have garbled).
 */
export function parseBatchItems<S extends z.ZodType>(
  raw: unknown,
  asked: readonly string[],
  options: ItemsOptions<S>,
): (z.output<S> | VendorItemError)[] {
  const list = itemList(raw, asked.length, options.at);
  const wanted = new Set(asked);
  const byId = new Map<string, z.output<S> | VendorItemError>();
  let unmapped = 0;
  list.forEach((value, i) => {
    const id = idOf(value, options.idField);
    if (id === undefined || !wanted.has(id)) {
      unmapped++;
      return;
    }
    if (byId.has(id)) {
      byId.set(id, itemError(id, options, `${options.at}[${i}]: the id ${id} was sent twice`));
      return;
    }
    byId.set(id, checkItem(value, id, i, options));
  });
  if (unmapped > 0) {
    for (const id of wanted) {
      if (!byId.has(id)) byId.set(id, itemError(id, options, `${options.at}: ${unmapped} item(s) matched no id asked; ${id} may be among them`));
    }
  }
  return [...byId.values()];
}

/**
 * A page of a listing (at most `max` items): each item checked on its own; a bad item is a
 * `VendorItemError` in its place (keyed by its id when readable, else by its position), for
 * the caller to leave out. More than `max` items fails the whole call.
 */
export function parseListItems<S extends z.ZodType>(raw: unknown, max: number, options: ItemsOptions<S>): (z.output<S> | VendorItemError)[] {
  return itemList(raw, max, options.at).map((value, i) => checkItem(value, idOf(value, options.idField) ?? `#${i}`, i, options));
}

function itemList(raw: unknown, max: number, at: string): unknown[] {
  if (!Array.isArray(raw)) throw new Error(`vendor answer refused: ${at}: expected an array`);
  if (raw.length > max) throw new Error(`vendor answer refused: ${at}: ${raw.length} items where at most ${max} were asked for`);
  return raw;
}

function checkItem<S extends z.ZodType>(value: unknown, key: string, i: number, options: ItemsOptions<S>): z.output<S> | VendorItemError {
  const result = options.item.safeParse(value);
  return result.success ? result.data : itemError(key, options, describeIssues(result.error, `${options.at}[${i}]`));
}

function itemError(key: string, options: ItemsOptions<z.ZodType>, why: string): VendorItemError {
  const { vendor, operation } = options.source;
  return new VendorItemError(key, { vendor, operation, message: `${vendor}.${operation}: item ${key} refused: ${why}` });
}

/** The raw id of an item, when it is a short string (a 200 KB "id" is no id). */
function idOf(value: unknown, field: string): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const id = (value as Record<string, unknown>)[field];
  return typeof id === 'string' && id.length <= 256 ? id : undefined;
}
