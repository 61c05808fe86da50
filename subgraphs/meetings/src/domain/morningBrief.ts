import { and, asc, ne, sql } from 'drizzle-orm';
import { briefSection, parseBriefWindow, topRowsPerParent, type LoaderRegistry, type MorningBriefKey, type RequestSession } from '@chief/runtime';
import { meetings } from '../models/index.ts';

const HOUR_MS = 3_600_000;

/** Seed 000's upcoming meetings: the founder's, starting within the next `withinHours` (24) and not canceled, soonest first (20). */
export function briefUpcomingMeetings(scope: { session: RequestSession; loaders: LoaderRegistry }, brief: MorningBriefKey, args: Record<string, unknown>) {
  const window = parseBriefWindow(args, 'withinHours', 720, { within: 24, first: 20 });
  return briefSection(scope, 'meetings.upcoming', brief, window, (db, founderIds, asOf) =>
    topRowsPerParent(
      db, meetings, meetings.founderId, founderIds,
      and(
        ne(meetings.status, 'canceled'),
        sql`${meetings.startTime} >= ${asOf.toISOString()}::timestamptz`,
        sql`${meetings.startTime} <= ${new Date(asOf.getTime() + window.within * HOUR_MS).toISOString()}::timestamptz`,
      ),
      [asc(meetings.startTime), asc(meetings.id)],
      window.first,
    ),
  );
}
