import type { GraphQLResolverMap } from '@apollo/subgraph';
import {
  DateScalar, DateTimeScalar, JSONObjectScalar, entityChanges, enumValues, loadById, notFound, parseId, parsePage, parsePositionPage, withSession,
  type MorningBriefKey, type PageArgs, type SubgraphContext,
} from '@chief/runtime';
import { attendance, meetingPlatform, meetings, meetingStatus, participantRole, transcriptChunks, transcripts, transcriptStatus, type ActionItem, type SopStep } from './models/index.ts';
import { ingestMeetings } from './domain/ingestMeetings.ts';
import { briefUpcomingMeetings } from './domain/morningBrief.ts';
import { ACTION_ITEM_PRIORITIES, attachTranscript } from './domain/attachTranscript.ts';
import { chunksOf, listMeetings, meetingsUnder, parseMeetingFilter, participantsOf, transcriptOf } from './domain/meetings.ts';

type Ctx = SubgraphContext;
type Meeting = typeof meetings.$inferSelect;
type Transcript = typeof transcripts.$inferSelect;
type Chunk = typeof transcriptChunks.$inferSelect;
type Participant = Awaited<ReturnType<typeof participantsOf>>[number];
type Args = Record<string, unknown>;
type ListArgs = PageArgs & { filter?: unknown };

/** A reference to an entity another subgraph owns; the gateway fetches its fields there. */
const ref = (typename: string, id: string | null) => (id ? { __typename: typename, id } : null);

const under =
  (parent: 'founder' | 'contact') =>
  (entity: { id: string }, args: ListArgs, ctx: Ctx) =>
    meetingsUnder(ctx, parent, entity.id, parsePage(args, ctx.config.maxPageSize), parseMeetingFilter(args.filter));

const syncJob = (args: Args) => (args.syncJobId == null ? null : parseId(args.syncJobId, 'syncJobId'));

/** The entity a change subscription delivers, if it is the one asked for. */
async function followed<T extends { id: string }>(row: Promise<T | null>, only: (row: T) => boolean): Promise<T | null> {
  const found = await row;
  return found && only(found) ? found : null;
}

export const meetingsResolvers = {
  DateTime: DateTimeScalar,
  Date: DateScalar,
  JSONObject: JSONObjectScalar,
  MeetingPlatform: enumValues(meetingPlatform.enumValues),
  MeetingStatus: enumValues(meetingStatus.enumValues),
  ParticipantRole: enumValues(participantRole.enumValues),
  Attendance: enumValues(attendance.enumValues),
  TranscriptStatus: enumValues(transcriptStatus.enumValues),
  ActionItemPriority: enumValues(ACTION_ITEM_PRIORITIES),

  Query: {
    meeting: async (_: unknown, args: Args, ctx: Ctx) => {
      const row = await loadById(ctx, meetings, parseId(args.id));
      if (!row) throw notFound('Meeting', String(args.id));
      return row;
    },
    meetings: (_: unknown, args: ListArgs, ctx: Ctx) => {
      const page = parsePage(args, ctx.config.maxPageSize);
      const filter = parseMeetingFilter(args.filter);
      return withSession(ctx, (session) => listMeetings(session, page, filter));
    },
    transcript: async (_: unknown, args: Args, ctx: Ctx) => {
      const row = await loadById(ctx, transcripts, parseId(args.id));
      if (!row) throw notFound('Transcript', String(args.id));
      return row;
    },
  },

  Mutation: {
    ingestMeetings: (_: unknown, args: Args, ctx: Ctx) => ingestMeetings(ctx.session, args.items, syncJob(args)),
    attachTranscript: (_: unknown, args: Args, ctx: Ctx) => attachTranscript(ctx.session, args.items, syncJob(args)),
  },

  Subscription: {
    meetingChanged: entityChanges<{ after?: string | null; id?: string | null }>({
      entity: 'meeting',
      field: 'meeting',
      load: (ctx, id, args) => {
        const only = args.id == null ? null : parseId(args.id);
        return followed(loadById(ctx, meetings, id), (m) => !only || m.id === only);
      },
    }),
    transcriptChanged: entityChanges<{ after?: string | null; meetingId?: string | null }>({
      entity: 'transcript',
      field: 'transcript',
      load: (ctx, id, args) => {
        const only = args.meetingId == null ? null : parseId(args.meetingId, 'meetingId');
        return followed(loadById(ctx, transcripts, id), (t) => !only || t.meetingId === only);
      },
    }),
  },

  IngestMeetingsResult: {
    results: (r: { results: { node: Meeting | null }[] }) => r.results.map((item) => ({ ...item, meeting: item.node })),
  },
  AttachTranscriptResult: {
    results: (r: { results: { node: Transcript | null }[] }) => r.results.map((item) => ({ ...item, transcript: item.node })),
  },

  Meeting: {
    __resolveReference: (reference: { id: string }, ctx: Ctx) => loadById(ctx, meetings, reference.id),
    founder: (m: Meeting) => ref('Founder', m.founderId),
    durationMins: (m: Meeting) => m.durationMins ?? 0,
    participants: (m: Meeting, _: Args, ctx: Ctx) => participantsOf(ctx, m.id),
    transcript: (m: Meeting, _: Args, ctx: Ctx) => transcriptOf(ctx, m.id),
  },

  MeetingParticipant: {
    contact: (p: Participant) => ref('Contact', p.contactId),
    member: (p: Participant) => ref('Member', p.memberId),
  },

  Transcript: {
    __resolveReference: (reference: { id: string }, ctx: Ctx) => loadById(ctx, transcripts, reference.id),
    meeting: (t: Transcript, _: Args, ctx: Ctx) => loadById(ctx, meetings, t.meetingId),
    actionItems: (t: Transcript) => t.actionItems.map((a: ActionItem) => ({ ...a, dueDate: a.due_date })),
    sopSteps: (t: Transcript) => t.sopSteps as SopStep[],
    chunks: (t: Transcript, args: PageArgs, ctx: Ctx) => chunksOf(ctx, t.id, parsePositionPage(args, ctx.config.maxPageSize)),
  },

  TranscriptChunk: {
    startSeconds: (c: Chunk) => Number(c.startSeconds),
    endSeconds: (c: Chunk) => Number(c.endSeconds),
  },

  // Entities owned by core: meetings resolves only the fields it adds; row-level security keeps
  // their lists to the caller's workspace.
  Contact: { __resolveReference: (r: { id: string }) => r, meetings: under('contact') },
  Founder: { __resolveReference: (r: { id: string }) => r, meetings: under('founder') },
  MorningBrief: {
    __resolveReference: (brief: MorningBriefKey) => brief,
    upcomingMeetings: (brief: MorningBriefKey, args: Args, ctx: Ctx) => briefUpcomingMeetings(ctx, brief, args),
  },
} as GraphQLResolverMap<Ctx>;
