import { sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { sourceType } from './schema.ts';

/** An entity something rests on: an insight's evidence, a briefing's citation. Resolved by its owning subgraph. */
export interface SourceRef {
  type: (typeof sourceType.enumValues)[number];
  id: string;
}

const TYPES = sourceType.enumValues.join('|');
const UUID = '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$';

/**
 * The jsonpath filter that finds a malformed reference among `path`'s items: one without a known
 * type or a lowercase UUID id. Type tests come first: `like_regex` on a non-string is unknown,
 * which a filter would let pass.
 */
export const badSourceRef = (path: string) =>
  `${path} ? (!exists(@.type) || !exists(@.id) || @.type.type() != "string" || @.id.type() != "string" || !(@.type like_regex "^(${TYPES})$") || !(@.id like_regex "${UUID}"))`;

/** A CHECK body: `column` is an array of at most `max` well-formed references. */
export const sourceRefsCheck = (column: AnyPgColumn, max: number): SQL =>
  sql`jsonb_typeof(${column}) = 'array' and jsonb_array_length(${column}) <= ${sql.raw(String(max))} and not jsonb_path_exists(${column}, ${sql.raw(`'${badSourceRef('$[*]')}'`)})`;
