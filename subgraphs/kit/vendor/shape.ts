/**
 * Tiny validators for vendor responses. A vendor that changes its shape must fail
 * loudly at the edge (`VendorError('bad_response')`, logged with the path), not as a
 * `TypeError` deep in a resolver or as wrong data on a phone.
 */
export class ShapeError extends Error {
  constructor(path: string, expected: string, got: unknown) {
    super(`vendor response: ${path} should be ${expected}, got ${describe(got)}`);
    this.name = 'ShapeError';
  }
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value;
}

export type Obj = Record<string, unknown>;

export function obj(value: unknown, path: string): Obj {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ShapeError(path, 'an object', value);
  return value as Obj;
}

export function arr(value: unknown, path: string): unknown[] {
  if (!Array.isArray(value)) throw new ShapeError(path, 'an array', value);
  return value;
}

export function str(value: unknown, path: string): string {
  if (typeof value !== 'string') throw new ShapeError(path, 'a string', value);
  return value;
}

export function strOrNull(value: unknown, path: string): string | null {
  return value === null || value === undefined ? null : str(value, path);
}

export function num(value: unknown, path: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ShapeError(path, 'a number', value);
  return value;
}

export function int(value: unknown, path: string): number {
  const n = num(value, path);
  if (!Number.isInteger(n)) throw new ShapeError(path, 'an integer', value);
  return n;
}

export function bool(value: unknown, path: string): boolean {
  if (typeof value !== 'boolean') throw new ShapeError(path, 'a boolean', value);
  return value;
}

/** Validates each element with `item`, reporting the index in the path. */
export function list<T>(value: unknown, path: string, item: (v: unknown, path: string) => T): T[] {
  return arr(value, path).map((v, i) => item(v, `${path}[${i}]`));
}
