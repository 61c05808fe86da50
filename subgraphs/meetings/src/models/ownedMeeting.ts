import { sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';

/**
 * A meeting's parts (participants, transcript, chunks) are theirs to change who may change the
 * meeting itself: they are written and replaced with it, whoever wrote them before.
 */
export const ownedMeeting = (meetingId: AnyPgColumn | SQL): SQL =>
  sql`${meetingId} in (select m.id from meetings.meetings m where m.created_by = (select auth.member_id()) or m.founder_id in (select auth.caller_founder_ids()))`;
