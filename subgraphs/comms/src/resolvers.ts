import type { GraphQLResolverMap } from '@apollo/subgraph';
import { DateTimeScalar, JSONObjectScalar, enumValues, type MorningBriefKey, loadById, logSubscription, notFound, parseId, parsePage, withSession, type PageArgs, type SubgraphContext } from '@chief/runtime';
import { commsPlatform, communications, direction, threads, urgency, type Recipient } from './models/index.ts';
import { ingestCommunications } from './domain/ingestCommunications.ts';
import { briefUnreadCommunications } from './domain/morningBrief.ts';
import {
  archive, clearFollowUp, communicationsUnder, listCommunications, listThreads, loadReceived, markRead, markUnread, parseCommunicationFilter, setFollowUp,
  threadStats, unarchive,
} from './domain/communications.ts';

type Ctx = SubgraphContext;
type Communication = typeof communications.$inferSelect;
type Thread = typeof threads.$inferSelect;
type Args = Record<string, unknown>;
type ListArgs = PageArgs & { filter?: unknown };

/** A reference to an entity another subgraph owns; the gateway fetches its fields there. */
const ref = (typename: string, id: string | null) => (id ? { __typename: typename, id } : null);

const under =
  (parent: Parameters<typeof communicationsUnder>[1]) =>
  (entity: { id: string }, args: ListArgs, ctx: Ctx) =>
    communicationsUnder(ctx, parent, entity.id, parsePage(args, ctx.config.maxPageSize), parseCommunicationFilter(args.filter));

export const commsResolvers = {
  DateTime: DateTimeScalar,
  JSONObject: JSONObjectScalar,
  CommsPlatform: enumValues(commsPlatform.enumValues),
  Direction: enumValues(direction.enumValues),
  Urgency: enumValues(urgency.enumValues),
  RecipientKind: enumValues(['to', 'cc', 'bcc']),

  Query: {
    communication: async (_: unknown, args: Args, ctx: Ctx) => {
      const row = await loadById(ctx, communications, parseId(args.id));
      if (!row) throw notFound('Communication', String(args.id));
      return row;
    },
    communications: (_: unknown, args: ListArgs, ctx: Ctx) => {
      const page = parsePage(args, ctx.config.maxPageSize);
      const filter = parseCommunicationFilter(args.filter);
      return withSession(ctx, (session) => listCommunications(session, page, filter));
    },
    thread: async (_: unknown, args: Args, ctx: Ctx) => {
      const row = await loadById(ctx, threads, parseId(args.id));
      if (!row) throw notFound('Thread', String(args.id));
      return row;
    },
    threads: (_: unknown, args: PageArgs, ctx: Ctx) => {
      const page = parsePage(args, ctx.config.maxPageSize);
      return withSession(ctx, (session) => listThreads(session, page));
    },
  },

  Mutation: {
    ingestCommunications: (_: unknown, args: Args, ctx: Ctx) =>
      ingestCommunications(ctx.session, args.items, args.syncJobId == null ? null : parseId(args.syncJobId, 'syncJobId')),
    markCommunicationRead: (_: unknown, args: Args, ctx: Ctx) => markRead(ctx.session, args.id),
    markCommunicationUnread: (_: unknown, args: Args, ctx: Ctx) => markUnread(ctx.session, args.id),
    setCommunicationFollowUp: (_: unknown, args: Args, ctx: Ctx) => setFollowUp(ctx.session, args.id, args.input),
    clearCommunicationFollowUp: (_: unknown, args: Args, ctx: Ctx) => clearFollowUp(ctx.session, args.id),
    archiveCommunication: (_: unknown, args: Args, ctx: Ctx) => archive(ctx.session, args.id),
    unarchiveCommunication: (_: unknown, args: Args, ctx: Ctx) => unarchive(ctx.session, args.id),
  },

  Subscription: {
    communicationReceived: logSubscription<{ after?: string | null; minUrgency?: string | null }, Ctx>({
      types: () => ['comms.communication.received'],
      async payload(event, ctx, args) {
        const communication = event.entityId ? await loadReceived(ctx, event.entityId, args.minUrgency) : null;
        return communication ? { cursor: event.cursor, communication, event: { __typename: 'Event', id: event.id } } : null;
      },
    }),
  },

  IngestCommunicationsResult: {
    results: (r: { results: { node: Communication | null }[] }) => r.results.map((item) => ({ ...item, communication: item.node })),
  },

  Communication: {
    __resolveReference: (reference: { id: string }, ctx: Ctx) => loadById(ctx, communications, reference.id),
    thread: (c: Communication, _: Args, ctx: Ctx) => (c.threadId ? loadById(ctx, threads, c.threadId) : null),
    founder: (c: Communication) => ref('Founder', c.founderId),
    sender: (c: Communication) => ({ address: c.senderAddress, name: c.senderName, contact: ref('Contact', c.senderContactId), member: ref('Member', c.senderMemberId) }),
    recipients: (c: Communication) =>
      c.recipients.map((r: Recipient) => ({ address: r.address, name: r.name, kind: r.kind, contact: ref('Contact', r.contactId), member: ref('Member', r.memberId) })),
    contacts: (c: Communication) => c.contactIds.map((id) => ref('Contact', id)),
    snippet: (c: Communication) => c.content.slice(0, 280),
    sentiment: (c: Communication) => (c.sentiment ? { ...c.sentiment, keywords: c.sentiment.keywords ?? [] } : null),
  },

  Thread: {
    __resolveReference: (reference: { id: string }, ctx: Ctx) => loadById(ctx, threads, reference.id),
    founder: (t: Thread) => ref('Founder', t.founderId),
    messageCount: async (t: Thread, _: Args, ctx: Ctx) => (await threadStats(ctx, t.id)).count,
    lastMessageAt: async (t: Thread, _: Args, ctx: Ctx) => (await threadStats(ctx, t.id)).lastAt,
    communications: under('thread'),
  },

  // Entities owned by core: comms resolves only the fields it adds; row-level security keeps
  // their lists to the caller's workspace.
  Contact: { __resolveReference: (r: { id: string }) => r, communications: under('contact') },
  Founder: { __resolveReference: (r: { id: string }) => r, inbox: under('founder') },
  MorningBrief: {
    __resolveReference: (brief: MorningBriefKey) => brief,
    unreadCommunications: (brief: MorningBriefKey, args: Args, ctx: Ctx) => briefUnreadCommunications(ctx, brief, args),
  },
} as GraphQLResolverMap<Ctx>;
