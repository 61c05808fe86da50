import { sql } from 'drizzle-orm';
import { check, foreignKey, integer, jsonb, text, timestamp, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, ownedThrough, tenantPolicies, timestamps, workspaceId } from '@chief/db';
import { meetingsSchema as schema, transcriptStatus } from './schema.ts';
import { meetings } from './meetings.ts';

/** Seed 000's action item shape (its keys as the seed writes them); the CHECK below holds the database to it. */
export interface ActionItem {
  id: string;
  description: string;
  assignee: string | null;
  priority: 'low' | 'medium' | 'high' | 'urgent' | null;
  /** YYYY-MM-DD. */
  due_date: string | null;
}

/** One step of a procedure the meeting described (seed 004: meeting transcripts become SOPs). */
export interface SopStep {
  /** 1, 2, 3, ... in order. */
  step: number;
  title: string;
  detail: string | null;
  owner: string | null;
}

/**
 * A meeting's transcript, at most one per meeting, moving through its pipeline (pending,
 * processing, then completed or failed with the reason); its text is in transcript_chunks. Summary,
 * action items and SOP steps are what analysis extracted. `chunks_hash` fingerprints the chunks
 * alone, so a new summary does not rewrite them (and lose their embeddings).
 */
export const transcripts = schema.table(
  'transcripts',
  {
    id: id(),
    workspaceId: workspaceId(),
    meetingId: uuid('meeting_id').notNull(),
    status: transcriptStatus('status').notNull().default('pending'),
    failureReason: text('failure_reason'),
    /** BCP 47, e.g. en, ar-KW. */
    language: text('language'),
    /** Who transcribed it (fireflies, whisper, zoom, ...). */
    provider: text('provider'),
    summary: text('summary'),
    actionItems: jsonb('action_items').$type<ActionItem[]>().notNull().default([]),
    sopSteps: jsonb('sop_steps').$type<SopStep[]>().notNull().default([]),
    chunkCount: integer('chunk_count').notNull().default(0),
    completedAt: timestamp('completed_at', { withTimezone: true, mode: 'date' }),
    sourceHash: text('source_hash').notNull(),
    chunksHash: text('chunks_hash').notNull(),
    createdBy: uuid('created_by'),
    ...timestamps(),
  },
  (t) => [
    foreignKey({ name: 'fk_transcripts_meeting', columns: [t.workspaceId, t.meetingId], foreignColumns: [meetings.workspaceId, meetings.id] }).onDelete('cascade'),
    unique('uq_transcripts_workspace_id').on(t.workspaceId, t.id),
    uniqueIndex('uq_transcripts_meeting').on(t.meetingId),
    // Failed exactly when it says why; completed exactly when it has a completion time.
    check('ck_transcripts_failure_reason', sql`(${t.status} = 'failed') = (${t.failureReason} is not null) and (${t.failureReason} is null or char_length(${t.failureReason}) between 1 and 2000)`),
    check('ck_transcripts_completed_at', sql`(${t.status} = 'completed') = (${t.completedAt} is not null)`),
    check('ck_transcripts_language', sql`${t.language} is null or ${t.language} ~ '^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$'`),
    check('ck_transcripts_provider', sql`${t.provider} is null or char_length(${t.provider}) between 1 and 100`),
    check('ck_transcripts_summary', sql`${t.summary} is null or char_length(${t.summary}) <= 20000`),
    check('ck_transcripts_chunk_count', sql`${t.chunkCount} >= 0`),
    // Every action item has a description; priority and due date, when given, are what the shape says.
    check(
      'ck_transcripts_action_items',
      sql`jsonb_typeof(${t.actionItems}) = 'array' and jsonb_array_length(${t.actionItems}) <= 100
        and not jsonb_path_exists(${t.actionItems}, '$[*] ? (!(@.description.type() == "string") || !(@.priority == null || @.priority == "low" || @.priority == "medium" || @.priority == "high" || @.priority == "urgent") || !(@.due_date == null || @.due_date like_regex "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"))')`,
    ),
    // Every SOP step has a positive number and a title.
    check(
      'ck_transcripts_sop_steps',
      sql`jsonb_typeof(${t.sopSteps}) = 'array' and jsonb_array_length(${t.sopSteps}) <= 100
        and not jsonb_path_exists(${t.sopSteps}, '$[*] ? (!(@.step.type() == "number" && @.step >= 1) || !(@.title.type() == "string"))')`,
    ),
    ...tenantPolicies('transcripts', t.workspaceId, { write: 'own', insert: 'owned', createdBy: t.createdBy, ownedWhen: ownedThrough('meetings.meetings', t.meetingId) }),
  ],
);
