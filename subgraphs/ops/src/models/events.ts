import { type SQL, sql } from 'drizzle-orm';
import { bigint, check, customType, foreignKey, index, integer, jsonb, pgPolicy, pgSchema, text, timestamp, uniqueIndex, uuid, unique } from 'drizzle-orm/pg-core';
import { appRole, policyPredicates, servicePolicy } from '@chief/db';

/** Postgres schema of the ops domain: the append-only event log. */
export const ops = pgSchema('ops');

const xid8 = customType<{ data: string }>({ dataType: () => 'xid8' });

export const actorRole = ops.enum('actor_role', ['origin', 'on_behalf', 'target']);
export const linkType = ops.enum('link_type', ['caused', 'derived_from', 'references', 'updates']);

const { inWorkspace, isMember, canWrite, isCaller } = policyPredicates;
// Reading the log is for members; appending is part of every write a member may make, and what
// is appended must name the caller as its actor (`callerCheck`), so no one writes history in
// another's name. There are no update or delete policies, no such grants, and a trigger refuses
// both anyway.
const appendOnlyPolicies = (table: string, workspaceColumn: Parameters<typeof inWorkspace>[0], callerCheck?: SQL) => [
  pgPolicy(`${table}_select`, { for: 'select', to: appRole, using: sql`${inWorkspace(workspaceColumn)} and ${isMember}` }),
  pgPolicy(`${table}_insert`, { for: 'insert', to: appRole, withCheck: sql`${inWorkspace(workspaceColumn)} and ${canWrite}${callerCheck ? sql` and ${callerCheck}` : sql``}` }),
];

/**
 * One row per change, written in the transaction that made the change. `seq` is monotonic but
 * commits can land out of order; `xid` (the writer's transaction id) lets readers publish only
 * events older than every transaction still running.
 */
export const events = ops.table(
  'events',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    seq: bigint('seq', { mode: 'bigint' }).notNull().generatedAlwaysAsIdentity(),
    xid: xid8('xid').notNull().default(sql`pg_current_xact_id()`),
    workspaceId: uuid('workspace_id').notNull(),
    /** `{domain}.{entity}.{action}`, e.g. `work.task.created`. */
    type: text('type').notNull(),
    entityType: text('entity_type'),
    entityId: uuid('entity_id'),
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id'),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull().default({}),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    version: integer('version').notNull().default(1),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    uniqueIndex('uq_events_seq').on(t.seq),
    unique('uq_events_workspace_id').on(t.workspaceId, t.id),
    index('ix_events_workspace_seq').on(t.workspaceId, t.seq),
    // Log readers (followLog) go through a workspace's events in (xid, seq) order.
    index('ix_events_workspace_xid_seq').on(t.workspaceId, t.xid, t.seq),
    index('ix_events_workspace_entity').on(t.workspaceId, t.entityType, t.entityId),
    index('ix_events_workspace_type').on(t.workspaceId, t.type),
    check('ck_events_type', sql`${t.type} ~ '^[a-z][a-z_]*\\.[a-z][a-z_]*\\.[a-z][a-z_]*$'`),
    check('ck_events_actor_type', sql`${t.actorType} in ('user', 'agent', 'system', 'integration', 'api_key')`),
    ...appendOnlyPolicies('events', t.workspaceId, isCaller(t.actorType, t.actorId)),
    servicePolicy('events', t.workspaceId),
  ],
);

/** Everyone who took part in an event, by role (who did it, on whose behalf, to whom). */
export const eventActors = ops.table(
  'event_actors',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    workspaceId: uuid('workspace_id').notNull(),
    eventId: uuid('event_id').notNull(),
    role: actorRole('role').notNull(),
    actorType: text('actor_type').notNull(),
    actorId: text('actor_id').notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    foreignKey({ name: 'fk_event_actors_event', columns: [t.workspaceId, t.eventId], foreignColumns: [events.workspaceId, events.id] }),
    index('ix_event_actors_workspace_event').on(t.workspaceId, t.eventId),
    index('ix_event_actors_workspace_actor').on(t.workspaceId, t.actorType, t.actorId),
    // The origin is whoever appended the event; targets and others may be anyone.
    ...appendOnlyPolicies('event_actors', t.workspaceId, sql`(${t.role} <> 'origin' or ${isCaller(t.actorType, t.actorId)})`),
    servicePolicy('event_actors', t.workspaceId),
  ],
);

/** Causal and referential links from an event to another event or to an entity. */
export const eventLinks = ops.table(
  'event_links',
  {
    id: uuid('id').primaryKey().default(sql`gen_random_uuid()`),
    workspaceId: uuid('workspace_id').notNull(),
    eventId: uuid('event_id').notNull(),
    linkType: linkType('link_type').notNull(),
    refEventId: uuid('ref_event_id'),
    entityType: text('entity_type'),
    entityId: uuid('entity_id'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    foreignKey({ name: 'fk_event_links_event', columns: [t.workspaceId, t.eventId], foreignColumns: [events.workspaceId, events.id] }),
    foreignKey({ name: 'fk_event_links_ref_event', columns: [t.workspaceId, t.refEventId], foreignColumns: [events.workspaceId, events.id] }),
    index('ix_event_links_workspace_event').on(t.workspaceId, t.eventId),
    index('ix_event_links_workspace_entity').on(t.workspaceId, t.entityType, t.entityId),
    index('ix_event_links_workspace_ref').on(t.workspaceId, t.refEventId),
    check('ck_event_links_target', sql`(${t.refEventId} is not null) or (${t.entityType} is not null and ${t.entityId} is not null)`),
    ...appendOnlyPolicies('event_links', t.workspaceId),
    servicePolicy('event_links', t.workspaceId),
  ],
);
