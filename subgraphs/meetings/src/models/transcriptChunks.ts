import { sql } from 'drizzle-orm';
import { check, foreignKey, index, integer, numeric, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, ownedThrough, searchIndexColumns, searchIndexRules, searchTerms, weightedWords, tenantPolicies, workspaceId } from '@chief/db';
import { meetingsSchema as schema } from './schema.ts';
import { transcripts } from './transcripts.ts';

/**
 * A transcript's text in order, a speaker's passage at a time, with where it falls in the
 * recording. `embedding` is filled by the search pipeline (empty until then).
 */
export const transcriptChunks = schema.table(
  'transcript_chunks',
  {
    id: id(),
    workspaceId: workspaceId(),
    transcriptId: uuid('transcript_id').notNull(),
    position: integer('position').notNull(),
    speaker: text('speaker'),
    startSeconds: numeric('start_seconds', { precision: 10, scale: 3 }).notNull(),
    endSeconds: numeric('end_seconds', { precision: 10, scale: 3 }).notNull(),
    text: text('text').notNull(),
    ...searchIndexColumns(),
    searchTerms: searchTerms(weightedWords({ B: ['"text"'], D: ['"speaker"'] })),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [
    foreignKey({ name: 'fk_transcript_chunks_transcript', columns: [t.workspaceId, t.transcriptId], foreignColumns: [transcripts.workspaceId, transcripts.id] }).onDelete('cascade'),
    uniqueIndex('uq_transcript_chunks_workspace_transcript_position').on(t.workspaceId, t.transcriptId, t.position),
    index('ix_transcript_chunks_embedding').using('hnsw', t.embedding.op('vector_cosine_ops')),
    ...searchIndexRules('transcript_chunks', t),
    check('ck_transcript_chunks_position', sql`${t.position} >= 0`),
    check('ck_transcript_chunks_time_range', sql`${t.startSeconds} >= 0 and ${t.endSeconds} >= ${t.startSeconds}`),
    check('ck_transcript_chunks_text', sql`char_length(${t.text}) between 1 and 20000`),
    check('ck_transcript_chunks_speaker', sql`${t.speaker} is null or char_length(${t.speaker}) between 1 and 200`),
    ...tenantPolicies('transcript_chunks', t.workspaceId, {
      write: 'own', insert: 'owned', createdBy: t.createdBy,
      ownedWhen: sql`${t.transcriptId} in (select tr.id from meetings.transcripts tr where ${ownedThrough('meetings.meetings', sql`tr.meeting_id`)})`,
    }),
  ],
);
