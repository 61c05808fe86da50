import { sql } from 'drizzle-orm';
import { check, foreignKey, integer, text, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, ownedThrough, tenantPolicies, timestamps, workspaceId } from '@chief/db';
import { media } from './schema.ts';
import { mediaAssets } from './mediaAssets.ts';

/**
 * What an asset says, at most one per asset: a video's or audio's transcript, a document's
 * extracted text, with its language and summary; the text itself is in media_chunks.
 * `chunks_hash` fingerprints the chunks alone, so a new summary does not rewrite them.
 */
export const mediaTranscripts = media.table(
  'media_transcripts',
  {
    id: id(),
    workspaceId: workspaceId(),
    mediaId: uuid('media_id').notNull(),
    language: text('language'),
    summary: text('summary'),
    chunkCount: integer('chunk_count').notNull().default(0),
    /** What the connector sent for it (language, summary, chunks): an asset re-sent without it keeps it as it is. */
    sourceHash: text('source_hash').notNull(),
    chunksHash: text('chunks_hash').notNull(),
    createdBy: uuid('created_by'),
    ...timestamps(),
  },
  (t) => [
    foreignKey({ name: 'fk_media_transcripts_media', columns: [t.workspaceId, t.mediaId], foreignColumns: [mediaAssets.workspaceId, mediaAssets.id] }).onDelete('cascade'),
    unique('uq_media_transcripts_workspace_id').on(t.workspaceId, t.id),
    uniqueIndex('uq_media_transcripts_media').on(t.mediaId),
    check('ck_media_transcripts_language', sql`${t.language} is null or ${t.language} ~ '^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$'`),
    check('ck_media_transcripts_summary', sql`${t.summary} is null or char_length(${t.summary}) <= 20000`),
    check('ck_media_transcripts_chunk_count', sql`${t.chunkCount} >= 0`),
    ...tenantPolicies('media_transcripts', t.workspaceId, { write: 'own', insert: 'owned', createdBy: t.createdBy, ownedWhen: ownedThrough('media.media_assets', t.mediaId) }),
  ],
);
