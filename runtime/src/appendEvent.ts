import type { Session } from './createRequestSession.ts';
import { callerActor } from './identity.ts';

export interface EventActor {
  role: 'origin' | 'on_behalf' | 'target';
  actorType: string;
  actorId: string;
}

export interface EventLink {
  linkType: 'caused' | 'derived_from' | 'references' | 'updates';
  refEventId?: string;
  entityType?: string;
  entityId?: string;
}

export interface NewEvent {
  /** `{domain}.{entity}.{action}`, e.g. `core.contact.created`. */
  type: string;
  entityType: string;
  entityId: string;
  payload?: Record<string, unknown>;
  /** Further actors beyond the caller, who is always recorded as origin. */
  actors?: EventActor[];
  /** Further links beyond the event's own entity. */
  links?: EventLink[];
}

// JSON travels as text: drizzle makes the shared client pass json values through unserialized.
/**
 * Appends an event to the workspace in scope, its actors and its links in one statement, inside the caller's transaction,
 * so the event exists exactly when the change it describes does.
 */
export async function appendEvent(session: Session, event: NewEvent): Promise<{ id: string; seq: string }> {
  // Row-level security accepts an event only when its origin is the caller.
  const { actorType, actorId } = callerActor(session.identity);
  const actors: EventActor[] = [{ role: 'origin', actorType, actorId }, ...(event.actors ?? [])];
  const action = event.type.split('.').pop();
  const links: EventLink[] = [
    { linkType: action === 'created' ? 'references' : 'updates', entityType: event.entityType, entityId: event.entityId },
    ...(event.links ?? []),
  ];
  const [row] = await session.sql<{ id: string; seq: string }[]>`
    with e as (
      insert into ops.events (workspace_id, type, entity_type, entity_id, actor_type, actor_id, payload)
      values (auth.workspace_id(), ${event.type}, ${event.entityType}, ${event.entityId}, ${actorType}, ${actorId}, ${JSON.stringify(event.payload ?? {})}::jsonb)
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
    select id, seq::text as seq from e`;
  if (!row) throw new Error('event insert returned no row');
  return row;
}
