import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, text, timestamp, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, tenantPolicies, timestamps, workspaceId } from '@chief/db';
import { meetingPlatform, meetingStatus, meetingsSchema as schema } from './schema.ts';

/**
 * A meeting on a founder's calendar (Zoom, Meet, Teams, in person), idempotent on (workspace,
 * platform, external id). `duration_mins` is generated from its start and end, never written;
 * `source_hash` fingerprints what the connector sent, so a repeat is recognised without comparing columns.
 */
export const meetings = schema.table(
  'meetings',
  {
    id: id(),
    workspaceId: workspaceId(),
    founderId: uuid('founder_id'),
    platform: meetingPlatform('platform').notNull(),
    externalId: text('external_id').notNull(),
    title: text('title').notNull(),
    description: text('description'),
    startTime: timestamp('start_time', { withTimezone: true, mode: 'string' }).notNull(),
    endTime: timestamp('end_time', { withTimezone: true, mode: 'string' }).notNull(),
    durationMins: integer('duration_mins').generatedAlwaysAs(sql`(round(extract(epoch from (end_time - start_time)) / 60))::integer`),
    recordingUrl: text('recording_url'),
    status: meetingStatus('status').notNull().default('scheduled'),
    /** The platform's own fields Chief does not model (conference ids, calendar ids, ...). */
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    sourceHash: text('source_hash').notNull(),
    /** When its attendees' relationship strength was first moved for it: a meeting counts once it is held. */
    interactionsRecordedAt: timestamp('interactions_recorded_at', { withTimezone: true, mode: 'date' }),
    /** The contacts it has counted as an interaction with, each once (meetings.count_interactions keeps it). */
    countedContactIds: uuid('counted_contact_ids').array().notNull().default(sql`'{}'::uuid[]`),
    createdBy: uuid('created_by'),
    ...timestamps(),
  },
  (t) => [
    unique('uq_meetings_workspace_id').on(t.workspaceId, t.id),
    uniqueIndex('uq_meetings_workspace_platform_external').on(t.workspaceId, t.platform, t.externalId),
    index('ix_meetings_workspace_start').on(t.workspaceId, t.startTime.desc(), t.id.desc()),
    index('ix_meetings_workspace_founder_start').on(t.workspaceId, t.founderId, t.startTime.desc(), t.id.desc()),
    check('ck_meetings_external_id', sql`char_length(${t.externalId}) between 1 and 500`),
    check('ck_meetings_title', sql`char_length(btrim(${t.title})) between 1 and 500`),
    check('ck_meetings_description', sql`${t.description} is null or char_length(${t.description}) <= 20000`),
    // A meeting ends when or after it starts, within a day.
    check('ck_meetings_time_range', sql`${t.endTime} >= ${t.startTime} and ${t.endTime} - ${t.startTime} <= interval '24 hours'`),
    check('ck_meetings_recording_url', sql`${t.recordingUrl} is null or (${t.recordingUrl} ~ '^https?://' and char_length(${t.recordingUrl}) <= 2000)`),
    // A founder's own calendar is theirs to correct, whoever ingested it.
    ...tenantPolicies('meetings', t.workspaceId, { write: 'own', ownerColumns: [t.createdBy], createdBy: t.createdBy, ownedWhen: sql`${t.founderId} in (select auth.caller_founder_ids())` }),
  ],
);
