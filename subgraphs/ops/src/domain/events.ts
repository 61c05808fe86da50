import { and, eq, gt, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import {
  UUID_PATTERN, anyUuid, badUserInput, encodeSequenceCursor, eventEntities, groupByKey, isEventType, parseFirst, parseInput, parseSequenceCursor,
  withSession, type Connection, type EventEntity, type LoaderRegistry, type RequestSession, type Session,
} from '@chief/runtime';
import { eventActors, eventLinks, events } from '../models/index.ts';

export type EventRow = typeof events.$inferSelect;

interface Scope {
  session: RequestSession;
  loaders: LoaderRegistry;
}

/** A page of the log: up to `limit` events after the sequence number `after`, in log order. */
export interface EventPage {
  limit: number;
  after: string | null;
}

/** Validates `first`/`after` of a list of events at the edge. */
export const parseEventPage = (args: { first?: number | null; after?: string | null }, maxPageSize: number): EventPage => ({
  limit: parseFirst(args.first, maxPageSize),
  after: args.after ? parseSequenceCursor(args.after) : null,
});

/** Builds a connection from up to `limit + 1` events in log order. */
function toEventConnection(rows: EventRow[], page: EventPage): Connection<EventRow> {
  const edges = rows.slice(0, page.limit).map((node) => ({ cursor: encodeSequenceCursor(String(node.seq)), node }));
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > page.limit, hasPreviousPage: page.after !== null, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
  };
}

const afterSequence = (page: EventPage) => (page.after === null ? undefined : gt(events.seq, BigInt(page.after)));

const eventFilter = z
  .object({
    types: z.array(z.string().refine(isEventType, 'is not an event type of the catalog')).max(50).nullish(),
    entityType: z.enum(Object.keys(eventEntities) as [EventEntity, ...EventEntity[]]).nullish(),
    entityId: z.uuid('must be an id').nullish(),
    actorType: z.enum(['user', 'agent', 'system', 'integration', 'api_key']).nullish(),
    actorId: z.string().min(1).max(255).nullish(),
    occurredAfter: z.date().nullish(),
    occurredBefore: z.date().nullish(),
  })
  .refine((f) => !f.actorId || f.actorType, { message: 'actorId needs actorType', path: ['actorType'] })
  .nullish();

/** The workspace's events that match `rawFilter`, in log order (row-level security keeps them to the workspace). */
export async function listEvents(session: Session, page: EventPage, rawFilter: unknown): Promise<Connection<EventRow>> {
  const filter = parseInput(eventFilter, rawFilter, 'filter') ?? {};
  const conditions: (SQL | undefined)[] = [
    filter.types?.length ? inArray(events.type, filter.types) : undefined,
    filter.entityType ? eq(events.entityType, filter.entityType) : undefined,
    filter.entityId ? eq(events.entityId, filter.entityId) : undefined,
    filter.actorType ? eq(events.actorType, filter.actorType) : undefined,
    filter.actorId ? eq(events.actorId, filter.actorId) : undefined,
    filter.occurredAfter ? gte(events.createdAt, filter.occurredAfter) : undefined,
    filter.occurredBefore ? lt(events.createdAt, filter.occurredBefore) : undefined,
    afterSequence(page),
  ];
  const rows = await session.db.select().from(events).where(and(...conditions)).orderBy(events.seq).limit(page.limit + 1);
  return toEventConnection(rows, page);
}

/**
 * The events `ordered` names for each parent, as rows of the model: `ordered` yields (parent,
 * event_id) in the order wanted; the events themselves are read in one more statement.
 */
async function eventsByParent(db: Session['db'], ordered: SQL, ids: readonly string[]): Promise<EventRow[][]> {
  const pairs = (await db.execute(ordered)) as unknown as { parent: string; event_id: string }[];
  const found = pairs.length ? await db.select().from(events).where(anyUuid(events.id, new Set(pairs.map((p) => p.event_id)))) : [];
  const byId = new Map(found.map((row) => [row.id, row]));
  const rows = pairs.flatMap((p) => (byId.has(p.event_id) ? [{ parent: p.parent, event: byId.get(p.event_id)! }] : []));
  return groupByKey(ids, rows, (r) => r.parent).map((group) => group.map((r) => r.event));
}

/**
 * The parents as rows of one text column, `parent`, from one JSON parameter: one statement text
 * whatever their number (so one prepared statement), any text (user ids too), and no array
 * parameter the driver would need the server's types for.
 */
const parentList = (ids: readonly string[]) => sql`json_array_elements_text(${JSON.stringify(ids)}::json) as p(parent)`;

/**
 * A page of events in log order for each of many parents, from one statement: `eventsOf` selects,
 * for the parent `p.parent`, the events wanted (as `event_id` and `seq`, with `e` the events).
 * Each parent's page is read by its own index scan, up to `limit + 1` events (LATERAL ... LIMIT).
 */
async function pagesByParent(scope: Scope, eventsOf: SQL, ids: readonly string[], page: EventPage, isParent = (_id: string) => true): Promise<Connection<EventRow>[]> {
  // Keys that cannot name a parent (a malformed id in a reference) have no events rather than fail the batch.
  const live = ids.filter(isParent);
  if (!live.length) return ids.map(() => toEventConnection([], page));
  const after = page.after === null ? sql`` : sql`and e.seq > ${page.after}::bigint`;
  const pages = await withSession(scope, ({ db }) =>
    eventsByParent(
      db,
      sql`select p.parent, x.event_id
            from ${parentList(live)}
            cross join lateral (${eventsOf} ${after} group by e.id, e.seq order by e.seq limit ${page.limit + 1}) x
           order by p.parent, x.seq`,
      ids,
    ),
  );
  return pages.map((rows) => toEventConnection(rows, page));
}

/**
 * An entity's history: the events linked to it (each event links its own entity, and may
 * reference others, as linking a task names its task link), oldest first; batched across every
 * entity of the kind asked for in the request.
 */
export function historyOf(scope: Scope, entityType: EventEntity, entityId: string, page: EventPage): Promise<Connection<EventRow>> {
  return scope.loaders
    .get<string, Connection<EventRow>>(`ops.history:${entityType}:${JSON.stringify(page)}`, (ids) =>
      pagesByParent(
        scope,
        sql`select e.id as event_id, e.seq from ops.event_links l join ops.events e on e.workspace_id = l.workspace_id and e.id = l.event_id
             where l.entity_type = ${entityType} and l.entity_id = p.parent::uuid`,
        ids,
        page,
        (id) => UUID_PATTERN.test(id),
      ),
    )
    .load(entityId.toLowerCase());
}

/**
 * What a person took part in, in the workspace: the events that name them as an actor in any
 * role (who did it, on whose behalf, to whom), oldest first, batched.
 */
export function auditTrailOf(scope: Scope, userId: string, page: EventPage): Promise<Connection<EventRow>> {
  return scope.loaders
    .get<string, Connection<EventRow>>(`ops.auditTrail:${JSON.stringify(page)}`, (userIds) =>
      pagesByParent(
        scope,
        sql`select e.id as event_id, e.seq from ops.event_actors a join ops.events e on e.workspace_id = a.workspace_id and e.id = a.event_id
             where a.actor_type = 'user' and a.actor_id = p.parent`,
        userIds,
        page,
      ),
    )
    .load(userId);
}

/** Who took part in an event, the origin first, batched across the request's events. */
export function actorsOf(scope: Scope, eventId: string) {
  return scope.loaders
    .get<string, (typeof eventActors.$inferSelect)[]>('ops.event_actors:byEvent', (ids) =>
      withSession(scope, async ({ db }) => {
        const rows = await db.select().from(eventActors).where(anyUuid(eventActors.eventId, ids)).orderBy(sql`${eventActors.role} <> 'origin'`, eventActors.createdAt, eventActors.id);
        return groupByKey(ids, rows, (row) => row.eventId);
      }),
    )
    .load(eventId);
}

/** What an event points to, batched across the request's events. */
export function linksOf(scope: Scope, eventId: string) {
  return scope.loaders
    .get<string, (typeof eventLinks.$inferSelect)[]>('ops.event_links:byEvent', (ids) =>
      withSession(scope, async ({ db }) => {
        const rows = await db.select().from(eventLinks).where(anyUuid(eventLinks.eventId, ids)).orderBy(eventLinks.createdAt, eventLinks.id);
        return groupByKey(ids, rows, (row) => row.eventId);
      }),
    )
    .load(eventId);
}

/** How far causality is followed, and how many events it returns. */
export interface CausalWalk {
  depth: number;
  limit: number;
}

export const MAX_CAUSAL_DEPTH = 5;

/** Validates `depth` and `first` of a causality field at the edge. */
export function parseCausalWalk(args: { depth?: number | null; first?: number | null }, maxPageSize: number): CausalWalk {
  const depth = args.depth ?? 3;
  if (!Number.isInteger(depth) || depth < 1 || depth > MAX_CAUSAL_DEPTH) throw badUserInput('depth', `depth must be a whole number from 1 to ${MAX_CAUSAL_DEPTH}`);
  return { depth, limit: parseFirst(args.first, maxPageSize) };
}

/**
 * The events that led to an event (`causes`: what its CAUSED and DERIVED_FROM links point to, and
 * theirs, up to `depth` links back) or that it led to (`effects`: the events whose such links
 * point to it, and theirs), nearest first, for every event of the request in one recursive
 * statement. Row-level security keeps the walk inside the workspace.
 */
export function causalityOf(scope: Scope, direction: 'causes' | 'effects', eventId: string, walk: CausalWalk): Promise<EventRow[]> {
  // causes: from an event to what its links name; effects: from an event to the events naming it.
  const [from, to] = direction === 'causes' ? [sql`l.event_id`, sql`l.ref_event_id`] : [sql`l.ref_event_id`, sql`l.event_id`];
  const causal = sql`l.ref_event_id is not null and l.link_type in ('caused', 'derived_from')`;
  return scope.loaders
    .get<string, EventRow[]>(`ops.${direction}:${JSON.stringify(walk)}`, (ids) =>
      withSession(scope, ({ db }) =>
        eventsByParent(
        db,
        sql`with recursive walk(start, event_id, depth) as (
              select ${from}, ${to}, 1 from ops.event_links l
               where ${causal} and ${anyUuid(from, ids)}
              union
              select w.start, ${to}, w.depth + 1 from walk w join ops.event_links l on ${from} = w.event_id
               where ${causal} and w.depth < ${walk.depth}
            ), nearest as (
              select distinct on (start, event_id) start, event_id, depth from walk where event_id <> start order by start, event_id, depth
            )
            select parent, event_id from (
              select n.start::text as parent, e.id as event_id, row_number() over (partition by n.start order by n.depth, e.seq) as position
                from nearest n join ops.events e on e.id = n.event_id
            ) ranked
            where position <= ${walk.limit}
            order by parent, position`,
        ids,
        ),
      ),
    )
    .load(eventId);
}
