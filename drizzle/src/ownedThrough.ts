import { sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';

/**
 * For a table of a parent's parts (a meeting's participants, an asset's transcript): the row is
 * "own" to whoever owns its parent, that is who made the parent or the founder it belongs to.
 * Parts are written and replaced with their parent, so they follow its ownership, not their own
 * maker's. `parent` is the parent table's qualified name; `parentId` the part's reference to it
 * (a column, or SQL for a grandparent's part).
 */
export const ownedThrough = (parent: string, parentId: AnyPgColumn | SQL): SQL =>
  sql`${parentId} in (select p.id from ${sql.raw(parent)} p where p.created_by = (select auth.member_id()) or p.founder_id in (select auth.caller_founder_ids()))`;
