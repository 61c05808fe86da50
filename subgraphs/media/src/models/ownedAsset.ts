import { sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';

/** An asset's transcript and chunks are theirs to change who may change the asset: they are written and replaced with it. */
export const ownedAsset = (mediaId: AnyPgColumn | SQL): SQL =>
  sql`${mediaId} in (select a.id from media.media_assets a where a.created_by = (select auth.member_id()) or a.founder_id in (select auth.caller_founder_ids()))`;
