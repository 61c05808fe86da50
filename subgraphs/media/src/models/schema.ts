import { pgSchema } from 'drizzle-orm/pg-core';

/** Postgres schema of the media domain: recorded videos (Loom and others) and documents. */
export const media = pgSchema('media');

export const mediaPlatform = media.enum('platform', ['loom', 'youtube', 'vimeo', 'google_drive', 'dropbox', 'notion', 'upload', 'other']);
export const assetKind = media.enum('asset_kind', ['video', 'audio', 'screen_recording', 'document', 'image']);
/** An asset's processing; a trigger allows only the forward steps (and a retry of a failed one). */
export const assetStatus = media.enum('asset_status', ['pending', 'processing', 'ready', 'failed']);
