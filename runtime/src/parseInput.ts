import type { z } from 'zod';
import { badUserInput } from './errors.ts';
import { UUID_PATTERN } from './identity.ts';

/**
 * Validates GraphQL input with a zod schema before anything is written. The first problem is
 * reported with the path of the field at fault, e.g. `input.probability`.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, path = 'input'): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const field = [path, ...issue.path.map(String)].join('.');
  throw badUserInput(field, `${field}: ${issue.message}`);
}

/** Ids are UUIDs; anything else is bad input rather than a database error. */
export function parseId(value: unknown, field = 'id'): string {
  if (typeof value !== 'string' || !UUID_PATTERN.test(value)) throw badUserInput(field, `${field} is not a valid id`);
  return value.toLowerCase();
}
