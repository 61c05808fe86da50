import { and, desc, isNull, sql } from 'drizzle-orm';
import { briefSection, parseBriefWindow, topRowsPerParent, type LoaderRegistry, type MorningBriefKey, type RequestSession } from '@chief/runtime';
import { communications } from '../models/index.ts';

const HOUR_MS = 3_600_000;

/** Seed 000's unread communications: the founder's, unread and not archived, of the last `withinHours` (24), most urgent then newest first (20). */
export function briefUnreadCommunications(scope: { session: RequestSession; loaders: LoaderRegistry }, brief: MorningBriefKey, args: Record<string, unknown>) {
  const window = parseBriefWindow(args, 'withinHours', 720, { within: 24, first: 20 });
  return briefSection(scope, 'comms.unread', brief, window, (db, founderIds, asOf) =>
    topRowsPerParent(
      db, communications, communications.founderId, founderIds,
      and(
        isNull(communications.readAt),
        isNull(communications.archivedAt),
        sql`${communications.receivedAt} >= ${new Date(asOf.getTime() - window.within * HOUR_MS).toISOString()}::timestamptz`,
        sql`${communications.receivedAt} <= ${asOf.toISOString()}::timestamptz`,
      ),
      [desc(communications.urgency), desc(communications.receivedAt), desc(communications.id)],
      window.first,
    ),
  );
}
