import { and, ilike, inArray, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import {
  anyUuid, containsPattern, groupByKey, listPage, listPagesByParent, listPagesThroughLink, loadOneBy, loadPositionPage, parseInput, withSession,
  type Connection, type LoaderRegistry, type Page, type PositionPage, type RequestSession, type Session,
} from '@chief/runtime';
import { meetingPlatform, meetings, meetingStatus, participants, transcriptChunks, transcripts } from '../models/index.ts';

type Meeting = typeof meetings.$inferSelect;
type Participant = typeof participants.$inferSelect;
type Transcript = typeof transcripts.$inferSelect;
type Chunk = typeof transcriptChunks.$inferSelect;
type Scope = { session: RequestSession; loaders: LoaderRegistry };

const meetingFilter = z
  .object({
    platform: z.array(z.enum(meetingPlatform.enumValues)).nullish(),
    status: z.array(z.enum(meetingStatus.enumValues)).nullish(),
    startAfter: z.date().nullish(),
    startBefore: z.date().nullish(),
    contactId: z.uuid('must be an id').nullish(),
    founderId: z.uuid('must be an id').nullish(),
    hasTranscript: z.boolean().nullish(),
    text: z.string().trim().min(1, 'must not be empty').max(200).nullish(),
  })
  .nullish();

export type MeetingFilter = z.infer<typeof meetingFilter>;

/** Validates a meeting filter at the edge, before any statement runs. */
export const parseMeetingFilter = (raw: unknown): MeetingFilter => parseInput(meetingFilter, raw, 'filter');

function filterSql(filter: MeetingFilter): SQL | undefined {
  const f = filter ?? {};
  const hasTranscript = sql`exists (select 1 from ${transcripts} where ${transcripts.meetingId} = ${meetings.id})`;
  return and(
    f.platform?.length ? inArray(meetings.platform, f.platform) : undefined,
    f.status?.length ? inArray(meetings.status, f.status) : undefined,
    f.startAfter ? sql`${meetings.startTime} >= ${f.startAfter.toISOString()}::timestamptz` : undefined,
    f.startBefore ? sql`${meetings.startTime} < ${f.startBefore.toISOString()}::timestamptz` : undefined,
    f.contactId ? sql`${meetings.id} in (select ${participants.meetingId} from ${participants} where ${participants.contactId} = ${f.contactId})` : undefined,
    f.founderId ? sql`${meetings.founderId} = ${f.founderId}` : undefined,
    f.hasTranscript === true ? hasTranscript : f.hasTranscript === false ? sql`not ${hasTranscript}` : undefined,
    f.text ? ilike(meetings.title, containsPattern(f.text)) : undefined,
  );
}

/** The workspace's meetings, latest start first. */
export const listMeetings = (session: Session, page: Page, filter: MeetingFilter) => listPage(session.db, meetings, filterSql(filter), page, meetings.startTime);

/**
 * The meetings under one parent (a founder's calendar, a contact's meetings through their
 * participation), latest start first, batched: every parent asked for with the same page and
 * filter shares one statement.
 */
export function meetingsUnder(scope: Scope, parent: 'founder' | 'contact', parentId: string, page: Page, filter: MeetingFilter): Promise<Connection<Meeting>> {
  const key = `meetings.meetings:${parent}:${JSON.stringify([page, filter])}`;
  return scope.loaders
    .get<string, Connection<Meeting>>(key, (ids) =>
      withSession(scope, ({ db }) =>
        parent === 'contact'
          ? listPagesThroughLink(db, meetings, { table: participants, parentColumn: participants.contactId, childColumn: participants.meetingId }, ids, filterSql(filter), page, meetings.startTime)
          : listPagesByParent(db, meetings, meetings.founderId, ids, filterSql(filter), page, meetings.startTime),
      ),
    )
    .load(parentId);
}

/** A meeting's participants in the connector's order, batched across the request. */
export function participantsOf(scope: Scope, meetingId: string): Promise<Participant[]> {
  return scope.loaders
    .get<string, Participant[]>('meetings.participants:byMeeting', (ids) =>
      withSession(scope, async ({ db }) => {
        const rows = await db.select().from(participants).where(anyUuid(participants.meetingId, ids)).orderBy(participants.meetingId, participants.position);
        return groupByKey(ids, rows, (p) => p.meetingId);
      }),
    )
    .load(meetingId);
}

/** A meeting's transcript, if it has one, batched across the request. */
export const transcriptOf = (scope: Scope, meetingId: string): Promise<Transcript | null> => loadOneBy(scope, transcripts, transcripts.meetingId, meetingId);

/** A page of a transcript's chunks in order, batched: every transcript asked for with the same page shares one statement. */
export const chunksOf = (scope: Scope, transcriptId: string, page: PositionPage): Promise<Connection<Chunk>> =>
  loadPositionPage(scope, transcriptChunks, transcriptChunks.transcriptId, transcriptChunks.position, transcriptId, page);
