import { sql } from 'drizzle-orm';
import { check, foreignKey, index, integer, numeric, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, ownedThrough, searchIndexColumns, searchIndexRules, searchTerms, weightedWords, tenantPolicies, workspaceId } from '@chief/db';
import { media } from './schema.ts';
import { mediaTranscripts } from './mediaTranscripts.ts';

/**
 * An asset's text in order: a passage of a recording (with its time range) or of a document
 * (with its page). `embedding` is filled by the search pipeline (empty until then).
 */
export const mediaChunks = media.table(
  'media_chunks',
  {
    id: id(),
    workspaceId: workspaceId(),
    mediaTranscriptId: uuid('media_transcript_id').notNull(),
    position: integer('position').notNull(),
    speaker: text('speaker'),
    startSeconds: numeric('start_seconds', { precision: 10, scale: 3 }),
    endSeconds: numeric('end_seconds', { precision: 10, scale: 3 }),
    page: integer('page'),
    text: text('text').notNull(),
    ...searchIndexColumns(),
    searchTerms: searchTerms(weightedWords({ B: ['"text"'], D: ['"speaker"'] })),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [
    foreignKey({ name: 'fk_media_chunks_media_transcript', columns: [t.workspaceId, t.mediaTranscriptId], foreignColumns: [mediaTranscripts.workspaceId, mediaTranscripts.id] }).onDelete('cascade'),
    uniqueIndex('uq_media_chunks_workspace_transcript_position').on(t.workspaceId, t.mediaTranscriptId, t.position),
    index('ix_media_chunks_embedding').using('hnsw', t.embedding.op('vector_cosine_ops')),
    ...searchIndexRules('media_chunks', t),
    check('ck_media_chunks_position', sql`${t.position} >= 0`),
    // A time range comes whole, from zero on; a page from one.
    check('ck_media_chunks_time_range', sql`(${t.startSeconds} is null) = (${t.endSeconds} is null) and (${t.startSeconds} is null or (${t.startSeconds} >= 0 and ${t.endSeconds} >= ${t.startSeconds}))`),
    check('ck_media_chunks_page', sql`${t.page} is null or ${t.page} >= 1`),
    check('ck_media_chunks_text', sql`char_length(${t.text}) between 1 and 20000`),
    check('ck_media_chunks_speaker', sql`${t.speaker} is null or char_length(${t.speaker}) between 1 and 200`),
    ...tenantPolicies('media_chunks', t.workspaceId, {
      write: 'own', insert: 'owned', createdBy: t.createdBy,
      ownedWhen: sql`${t.mediaTranscriptId} in (select mt.id from media.media_transcripts mt where ${ownedThrough('media.media_assets', sql`mt.media_id`)})`,
    }),
  ],
);
