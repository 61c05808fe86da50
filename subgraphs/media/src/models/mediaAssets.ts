import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, jsonb, text, timestamp, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, tenantPolicies, timestamps, workspaceId } from '@chief/db';
import { assetKind, assetStatus, media, mediaPlatform } from './schema.ts';

/**
 * A recorded video (Loom, a screen recording), an audio file or a document, idempotent on
 * (workspace, platform, external id), with its processing status (a failed one says why).
 * `source_hash` fingerprints what the connector sent, so a repeat is recognised without comparing columns.
 */
export const mediaAssets = media.table(
  'media_assets',
  {
    id: id(),
    workspaceId: workspaceId(),
    founderId: uuid('founder_id'),
    platform: mediaPlatform('platform').notNull(),
    externalId: text('external_id').notNull(),
    kind: assetKind('kind').notNull(),
    title: text('title').notNull(),
    description: text('description'),
    url: text('url').notNull(),
    thumbnailUrl: text('thumbnail_url'),
    mimeType: text('mime_type'),
    durationSeconds: integer('duration_seconds'),
    sizeBytes: bigint('size_bytes', { mode: 'number' }),
    status: assetStatus('status').notNull().default('pending'),
    failureReason: text('failure_reason'),
    /** Who made it, as the platform says (an address or a name). */
    authorAddress: text('author_address'),
    authorContactId: uuid('author_contact_id'),
    authorMemberId: uuid('author_member_id'),
    recordedAt: timestamp('recorded_at', { withTimezone: true, mode: 'string' }).notNull(),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    sourceHash: text('source_hash').notNull(),
    createdBy: uuid('created_by'),
    ...timestamps(),
  },
  (t) => [
    unique('uq_media_assets_workspace_id').on(t.workspaceId, t.id),
    uniqueIndex('uq_media_assets_workspace_platform_external').on(t.workspaceId, t.platform, t.externalId),
    index('ix_media_assets_workspace_recorded').on(t.workspaceId, t.recordedAt.desc(), t.id.desc()),
    index('ix_media_assets_workspace_founder_recorded').on(t.workspaceId, t.founderId, t.recordedAt.desc(), t.id.desc()),
    index('ix_media_assets_workspace_author_contact').on(t.workspaceId, t.authorContactId).where(sql`${t.authorContactId} is not null`),
    check('ck_media_assets_external_id', sql`char_length(${t.externalId}) between 1 and 500`),
    check('ck_media_assets_title', sql`char_length(btrim(${t.title})) between 1 and 500`),
    check('ck_media_assets_description', sql`${t.description} is null or char_length(${t.description}) <= 20000`),
    check('ck_media_assets_url', sql`${t.url} ~ '^https?://' and char_length(${t.url}) <= 2000`),
    check('ck_media_assets_thumbnail_url', sql`${t.thumbnailUrl} is null or (${t.thumbnailUrl} ~ '^https?://' and char_length(${t.thumbnailUrl}) <= 2000)`),
    check('ck_media_assets_mime_type', sql`${t.mimeType} is null or (char_length(${t.mimeType}) <= 255 and ${t.mimeType} ~ '^[a-z0-9.+-]+/[a-zA-Z0-9.+-]+$')`),
    // Recordings last up to a day; documents have no duration.
    check('ck_media_assets_duration_seconds', sql`${t.durationSeconds} is null or (${t.kind} not in ('document', 'image') and ${t.durationSeconds} between 0 and 86400)`),
    check('ck_media_assets_size_bytes', sql`${t.sizeBytes} is null or ${t.sizeBytes} >= 0`),
    check('ck_media_assets_failure_reason', sql`(${t.status} = 'failed') = (${t.failureReason} is not null) and (${t.failureReason} is null or char_length(${t.failureReason}) between 1 and 2000)`),
    check('ck_media_assets_author_address', sql`${t.authorAddress} is null or char_length(btrim(${t.authorAddress})) between 1 and 320`),
    ...tenantPolicies('media_assets', t.workspaceId, { write: 'own', ownerColumns: [t.createdBy], createdBy: t.createdBy, ownedWhen: sql`${t.founderId} in (select auth.caller_founder_ids())` }),
  ],
);
