import type { z } from 'zod';
import { badUserInput } from './errors.ts';
import { UUID_PATTERN } from './identity.ts';

/**
 * Validates GraphQL input with a zod schema before anything is written. The first problem is
 * reported with the path of the field at fault, e.g. `input.probability`.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, path: string | null = 'input'): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  // A null path: the value is the field's arguments themselves, each named on its own.
  const field = [...(path === null ? [] : [path]), ...issue.path.map(String)].join('.') || 'input';
  throw badUserInput(field, `${field}: ${issue.message}`);
}

/** Ids are UUIDs; anything else is bad input rather than a database error. */
export function parseId(value: unknown, field = 'id'): string {
  if (typeof value !== 'string' || !UUID_PATTERN.test(value)) throw badUserInput(field, `${field} is not a valid id`);
  return value.toLowerCase();
}

/**
 * An update must change something: `values` are the columns it would write, undefined meaning
 * "leave as is". When none is defined the input is refused (naming `path`) before any statement
 * runs, instead of reaching the database as an UPDATE with nothing to set.
 */
export function requireChanges<T extends Record<string, unknown>>(values: T, path = 'input'): T {
  if (Object.values(values).every((value) => value === undefined)) throw badUserInput(path, `${path}: at least one field must be given`);
  return values;
}

/**
 * Update fields that may be left out (the value stays) but not cleared: an explicit null is
 * refused, naming the field, rather than read as "leave as is".
 */
export function refuseClearing(rawInput: unknown, fields: readonly string[], path = 'input'): void {
  if (typeof rawInput !== 'object' || rawInput === null) return;
  for (const field of fields) {
    if ((rawInput as Record<string, unknown>)[field] === null) throw badUserInput(`${path}.${field}`, `${path}.${field} cannot be cleared; leave it out to keep the current value`);
  }
}
