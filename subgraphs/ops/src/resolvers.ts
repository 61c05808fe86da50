import type { GraphQLResolverMap } from '@apollo/subgraph';
import {
  DateTimeScalar, JSONObjectScalar, badUserInput, encodeLogCursor, eventEntities, isEventType, loadById, logSubscription, notFound, parseId, readEvent, withSession,
  type EventEntity, type PageArgs, type SubgraphContext,
} from '@chief/runtime';
import { events } from './models/index.ts';
import {
  actorsOf, auditTrailOf, causalityOf, historyOf, linksOf, listEvents, parseCausalWalk, parseEventPage, type EventRow,
} from './domain/events.ts';

type Ctx = SubgraphContext;
type Args = Record<string, unknown>;

const upper = (value: string) => value.toUpperCase();

/** The member who made an event (appendEvent records the origin's membership), as a reference core resolves. */
const memberOf = (e: EventRow) => (typeof e.metadata.memberId === 'string' ? { __typename: 'Member', id: e.metadata.memberId } : null);

/** `history` on the entity type that stands for `entityType` in the log. */
const withHistory = (entityType: EventEntity) => ({
  __resolveReference: (reference: { id: string }) => reference,
  history: (entity: { id: string }, args: PageArgs, ctx: Ctx) => historyOf(ctx, entityType, entity.id, parseEventPage(args, ctx.config.maxPageSize)),
});

export const opsResolvers = {
  DateTime: DateTimeScalar,
  JSONObject: JSONObjectScalar,

  Query: {
    events: (_: unknown, args: PageArgs & { filter?: unknown }, ctx: Ctx) => {
      const page = parseEventPage(args, ctx.config.maxPageSize);
      return withSession(ctx, (session) => listEvents(session, page, args.filter));
    },
    event: async (_: unknown, args: Args, ctx: Ctx) => {
      const row = await loadById(ctx, events, parseId(args.id));
      if (!row) throw notFound('Event', String(args.id));
      return row;
    },
  },

  Subscription: {
    eventAppended: logSubscription<{ after?: string | null; types?: string[] | null }, Ctx>({
      types: ({ types }) => {
        if (types && types.length > 50) throw badUserInput('types', 'types lists at most 50 event types');
        const unknown = types?.find((type) => !isEventType(type));
        if (unknown !== undefined) throw badUserInput('types', `types: ${JSON.stringify(unknown)} is not an event type of the catalog`);
        return types ?? null;
      },
      payload: (event) => event,
    }),
  },

  Event: {
    __resolveReference: (reference: { id: string }, ctx: Ctx) => loadById(ctx, events, reference.id),
    sequence: (e: EventRow) => String(e.seq),
    cursor: (e: Pick<EventRow, 'xid' | 'seq'>) => encodeLogCursor({ xid: e.xid, seq: String(e.seq) }),
    // Read through the catalog, as every consumer of the log reads it.
    payload: (e: EventRow) => readEvent(e).payload,
    occurredAt: (e: EventRow) => e.createdAt,
    origin: (e: EventRow) => ({ role: 'ORIGIN', actorType: e.actorType, actorId: e.actorId ?? '', member: memberOf(e) }),
    actors: async (e: EventRow, _: Args, ctx: Ctx) =>
      (await actorsOf(ctx, e.id)).map((a) => ({ role: upper(a.role), actorType: a.actorType, actorId: a.actorId, member: a.role === 'origin' ? memberOf(e) : null })),
    links: async (e: EventRow, _: Args, ctx: Ctx) =>
      (await linksOf(ctx, e.id)).map((l) => ({ linkType: upper(l.linkType), refEventId: l.refEventId, entityType: l.entityType, entityId: l.entityId })),
    causes: (e: EventRow, args: Args, ctx: Ctx) => causalityOf(ctx, 'causes', e.id, parseCausalWalk(args, ctx.config.maxPageSize)),
    effects: (e: EventRow, args: Args, ctx: Ctx) => causalityOf(ctx, 'effects', e.id, parseCausalWalk(args, ctx.config.maxPageSize)),
  },

  EventLink: {
    event: (l: { refEventId: string | null }, _: Args, ctx: Ctx) => (l.refEventId ? loadById(ctx, events, l.refEventId) : null),
  },

  ...Object.fromEntries(Object.entries(eventEntities).map(([entityType, typename]) => [typename, withHistory(entityType as EventEntity)])),

  Member: {
    ...withHistory('member'),
    // userId comes from core (@requires): the events a person made name them by it.
    auditTrail: (member: { userId: string }, args: PageArgs, ctx: Ctx) => auditTrailOf(ctx, member.userId, parseEventPage(args, ctx.config.maxPageSize)),
  },
} as GraphQLResolverMap<Ctx>;
