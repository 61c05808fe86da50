import { requestScope, type Session } from './createRequestSession.ts';
import { textArray } from './queries.ts';
import { LOG_CHANNEL } from './logWakeups.ts';
import { callerActor } from './identity.ts';
import { eventCatalog, isEventType, type EventPayload, type EventType } from './eventCatalog.ts';

/** Who took part in an event beyond its origin (the caller, always recorded). */
export interface EventActor {
  role: 'on_behalf' | 'target';
  actorType: string;
  actorId: string;
}

/** A causal or referential link from an event to another event or to an entity. */
export interface EventLink {
  linkType: 'caused' | 'derived_from' | 'references' | 'updates';
  refEventId?: string;
  entityType?: string;
  entityId?: string;
}

export interface NewEvent<T extends EventType = EventType> {
  /** A catalogued type, `{domain}.{entity}.{action}`, e.g. `core.contact.created`. */
  type: T;
  /** The entity the event is about (of the type's entity). */
  entityId: string;
  /** Checked against the type's schema in the catalog. */
  payload: EventPayload<T>;
  /** Further actors beyond the caller, who is always recorded as origin. */
  actors?: EventActor[];
  /** Further links beyond the event's own entity. */
  links?: EventLink[];
}

/** The most actors and links one event carries (the caller and its own entity included): Event.actors and Event.links declare it. */
export const MAX_EVENT_PARTS = 10;

// JSON travels as text: drizzle makes the shared client pass json values through unserialized.
/**
 * Appends a catalogued event to the workspace in scope, with its actors and links, in one
 * statement inside the caller's transaction, so the event exists exactly when the change it
 * describes does. A type the catalog does not list, or a payload its schema refuses, is a bug of
 * the writer: it throws, and the mutation around it rolls back.
 */
export async function appendEvent<T extends EventType>(session: Session, event: NewEvent<T>): Promise<{ id: string; seq: string }> {
  if (!isEventType(event.type)) throw new Error(`appendEvent: ${event.type} is not in the event catalog`);
  const definition = eventCatalog[event.type];
  const checked = definition.payload.safeParse(event.payload);
  if (!checked.success) throw new Error(`appendEvent: the payload of ${event.type} does not match the catalog: ${checked.error.issues.map((i) => `${i.path.join('.') || '(payload)'} ${i.message}`).join('; ')}`);
  if ((event.actors?.length ?? 0) + 1 > MAX_EVENT_PARTS || (event.links?.length ?? 0) + 1 > MAX_EVENT_PARTS) {
    throw new Error(`appendEvent: an event has at most ${MAX_EVENT_PARTS} actors and ${MAX_EVENT_PARTS} links`);
  }
  const entityType = definition.entity;
  const payload = checked.data;
  // The origin's membership, so readers can show the member who acted (a person's subject alone names no member).
  const metadata = session.memberId ? { memberId: session.memberId } : {};
  // Row-level security accepts an event only when its origin is the caller.
  const { actorType, actorId } = callerActor(session.identity);
  const actors = [{ role: 'origin', actorType, actorId }, ...(event.actors ?? [])];
  const action = event.type.split('.').pop();
  const links: EventLink[] = [
    { linkType: action === 'created' ? 'references' : 'updates', entityType, entityId: event.entityId },
    ...(event.links ?? []),
  ];
  // NOTIFY is delivered when the transaction commits, and not at all when it rolls back: log
  // readers in other processes wake exactly when the event exists for them.
  const [row] = await session.sql<{ id: string; seq: string; workspace_id: string }[]>`
    with e as (
      insert into ops.events (workspace_id, type, entity_type, entity_id, actor_type, actor_id, payload, metadata)
      values (auth.workspace_id(), ${event.type}, ${entityType}, ${event.entityId}, ${actorType}, ${actorId}, ${JSON.stringify(payload)}::jsonb, ${JSON.stringify(metadata)}::jsonb)
      returning id, seq, workspace_id
    ), a as (
      insert into ops.event_actors (workspace_id, event_id, role, actor_type, actor_id)
      select e.workspace_id, e.id, x.role::ops.actor_role, x.actor_type, x.actor_id
      from e, jsonb_to_recordset(${JSON.stringify(actors.map((a) => ({ role: a.role, actor_type: a.actorType, actor_id: a.actorId })))}::jsonb) as x(role text, actor_type text, actor_id text)
    ), l as (
      insert into ops.event_links (workspace_id, event_id, link_type, ref_event_id, entity_type, entity_id)
      select e.workspace_id, e.id, x.link_type::ops.link_type, x.ref_event_id, x.entity_type, x.entity_id
      from e, jsonb_to_recordset(${JSON.stringify(links.map((l) => ({ link_type: l.linkType, ref_event_id: l.refEventId ?? null, entity_type: l.entityType ?? null, entity_id: l.entityId ?? null })))}::jsonb)
        as x(link_type text, ref_event_id uuid, entity_type text, entity_id uuid)
    )
    select id, seq::text as seq, workspace_id, pg_notify(${LOG_CHANNEL}, workspace_id::text) from e`;
  if (!row) throw new Error('event insert returned no row');
  requestScope.getStore()?.session?.noteAppended(row.workspace_id);
  return { id: row.id, seq: row.seq };
}

/**
 * The latest event of these types (about one kind of entity) about an entity, in the workspace in
 * scope: what a later step links to as its cause (a transcript attached to a meeting is caused by
 * the meeting's ingestion, each step of its pipeline by the one before).
 */
export async function latestEventOf(session: Session, types: readonly EventType[], entityId: string): Promise<string | null> {
  const [row] = await session.sql<{ id: string }[]>`
    select id from ops.events
     where workspace_id = auth.workspace_id() and entity_type = ${eventCatalog[types[0]!].entity} and entity_id = ${entityId} and type = any(${textArray(types)}::text[])
     order by seq desc limit 1`;
  return row?.id ?? null;
}
