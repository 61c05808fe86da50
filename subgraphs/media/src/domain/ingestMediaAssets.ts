import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import {
  anyUuid, appendEvent, ingestBatch, insertInSlices, languageTag, latestEventOf, matchParticipants, naturalKeyIn, pastInstant, recordingSeconds, refuseWrite, sourceHash,
  type IngestOutcome, type ParticipantMatch, type RequestSession, type Session,
} from '@chief/runtime';
import { assetKind, assetStatus, mediaAssets, mediaChunks, mediaPlatform, mediaTranscripts } from '../models/index.ts';

type Asset = typeof mediaAssets.$inferSelect;
type MediaTranscript = typeof mediaTranscripts.$inferSelect;

/** The most assets one ingestMediaAssets call takes (README: the ingestion contract). */
const MAX_MEDIA_ASSETS_PER_CALL = 50;
/** The most chunks one asset's transcript holds. */
const MAX_CHUNKS_PER_ASSET = 2000;

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2000);

const chunkInput = z
  .object({
    speaker: z.string().trim().min(1, 'must not be empty').max(200).nullish(),
    startSeconds: recordingSeconds.nullish(),
    endSeconds: recordingSeconds.nullish(),
    page: z.number().int().min(1, 'must be 1 or more').nullish(),
    text: z.string().trim().min(1, 'must not be empty').max(20_000),
  })
  .superRefine((c, ctx) => {
    if ((c.startSeconds == null) !== (c.endSeconds == null)) ctx.addIssue({ code: 'custom', path: ['endSeconds'], message: 'startSeconds and endSeconds come together' });
    else if (c.startSeconds != null && c.endSeconds! < c.startSeconds) ctx.addIssue({ code: 'custom', path: ['endSeconds'], message: 'must not be before startSeconds' });
  });

const transcriptInput = z.object({
  language: languageTag.nullish(),
  summary: z.string().max(20_000).nullish(),
  chunks: z.array(chunkInput).max(MAX_CHUNKS_PER_ASSET).nullish(),
});

const assetItem = z
  .object({
    platform: z.enum(mediaPlatform.enumValues),
    externalId: z.string().trim().min(1, 'must not be empty').max(500),
    founderId: z.uuid('must be an id').transform((id) => id.toLowerCase()).nullish(),
    kind: z.enum(assetKind.enumValues),
    title: z.string().trim().min(1, 'must not be empty').max(500),
    description: z.string().max(20_000).nullish(),
    url: httpUrl,
    thumbnailUrl: httpUrl.nullish(),
    mimeType: z.string().max(255).regex(/^[a-z0-9.+-]+\/[a-zA-Z0-9.+-]+$/, 'must be a media type (video/mp4)').nullish(),
    durationSeconds: z.number().int('must be whole seconds').min(0).max(86_400, 'must be within a day').nullish(),
    sizeBytes: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER).nullish(),
    status: z.enum(assetStatus.enumValues).nullish(),
    failureReason: z.string().trim().min(1, 'must not be empty').max(2000).nullish(),
    author: z.object({ address: z.string().trim().min(1, 'must not be empty').max(320) }).nullish(),
    recordedAt: pastInstant,
    transcript: transcriptInput.nullish(),
    metadata: z.record(z.string(), z.unknown()).nullish(),
  })
  .superRefine((a, ctx) => {
    if ((a.status === 'failed') !== Boolean(a.failureReason)) {
      ctx.addIssue({ code: 'custom', path: ['failureReason'], message: a.failureReason ? 'is only for a FAILED asset' : 'is required for a FAILED asset' });
    }
    if (a.durationSeconds != null && (a.kind === 'document' || a.kind === 'image')) ctx.addIssue({ code: 'custom', path: ['durationSeconds'], message: `a ${a.kind} has no duration` });
  });

type AssetItem = z.infer<typeof assetItem>;

const itemKey = (platform: string, externalId: string) => `${platform}\u0000${externalId}`;

/**
 * The asset as sent, normalised (its transcript apart, with a hash of its own): what the source
 * hash covers and what `changed` compares. A status left out is null here: a new asset is
 * PENDING, a held one keeps its own.
 */
function sourceOf(item: AssetItem) {
  return {
    founderId: item.founderId ?? null,
    kind: item.kind,
    title: item.title,
    description: item.description ?? null,
    url: item.url,
    thumbnailUrl: item.thumbnailUrl ?? null,
    mimeType: item.mimeType ?? null,
    durationSeconds: item.durationSeconds ?? null,
    sizeBytes: item.sizeBytes ?? null,
    status: item.status ?? null,
    failureReason: item.failureReason ?? null,
    authorAddress: item.author?.address ?? null,
    recordedAt: item.recordedAt.toISOString(),
    metadata: item.metadata ?? {},
  };
}

type Source = ReturnType<typeof sourceOf>;

const storedSource = (row: Asset): Source => ({
  founderId: row.founderId, kind: row.kind, title: row.title, description: row.description, url: row.url, thumbnailUrl: row.thumbnailUrl, mimeType: row.mimeType,
  durationSeconds: row.durationSeconds, sizeBytes: row.sizeBytes, status: row.status, failureReason: row.failureReason, authorAddress: row.authorAddress,
  recordedAt: new Date(row.recordedAt).toISOString(), metadata: row.metadata,
});

const chunksOf = (item: AssetItem) =>
  (item.transcript?.chunks ?? []).map((c) => ({ speaker: c.speaker ?? null, startSeconds: c.startSeconds ?? null, endSeconds: c.endSeconds ?? null, page: c.page ?? null, text: c.text }));

interface Prepared {
  existing: Map<string, Asset>;
  transcripts: Map<string, MediaTranscript>;
  match: (platform: string, address: string) => ParticipantMatch;
  hashes: WeakMap<AssetItem, Fingerprint>;
}

interface Fingerprint {
  source: Source;
  hash: string;
  /** The transcript's own hashes, when the item has one. */
  transcript: { hash: string; chunksHash: string } | null;
}

async function prepare(session: Session, items: AssetItem[]): Promise<Prepared> {
  const authors = items.flatMap((i) => (i.author ? [{ platform: i.platform, address: i.author.address }] : []));
  const [rows, matched] = await Promise.all([
    items.length ? session.db.select().from(mediaAssets).where(naturalKeyIn(mediaAssets.platform, mediaAssets.externalId, 'media.platform', items)) : [],
    matchParticipants(session, authors),
  ]);
  const held = rows.length ? await session.db.select().from(mediaTranscripts).where(anyUuid(mediaTranscripts.mediaId, rows.map((r) => r.id))) : [];
  return {
    existing: new Map(rows.map((row) => [itemKey(row.platform, row.externalId), row])),
    transcripts: new Map(held.map((t) => [t.mediaId, t])),
    match: matched.match,
    hashes: new WeakMap(),
  };
}

function fingerprint(item: AssetItem, prepared: Prepared): Fingerprint {
  let known = prepared.hashes.get(item);
  if (!known) {
    const source = sourceOf(item);
    const transcript = item.transcript
      ? { hash: sourceHash({ language: item.transcript.language ?? null, summary: item.transcript.summary ?? null, chunks: chunksOf(item) }), chunksHash: sourceHash(chunksOf(item)) }
      : null;
    known = { source, hash: sourceHash({ platform: item.platform, externalId: item.externalId, ...source }), transcript };
    prepared.hashes.set(item, known);
  }
  return known;
}

/** Whether the asset's transcript is held as the item sends it (an item without one keeps what is held). */
const transcriptHeld = (asset: Asset, print: Fingerprint, prepared: Prepared) => !print.transcript || prepared.transcripts.get(asset.id)?.sourceHash === print.transcript.hash;

function unchanged(item: AssetItem, prepared: Prepared): Asset | null {
  const existing = prepared.existing.get(itemKey(item.platform, item.externalId));
  if (!existing) return null;
  const print = fingerprint(item, prepared);
  return existing.sourceHash === print.hash && transcriptHeld(existing, print, prepared) ? existing : null;
}

/**
 * Writes the asset's transcript as sent: made, or updated (its chunks rewritten only when they
 * changed, so their embeddings survive a new summary). Says which parts changed.
 */
async function writeTranscript(session: Session, asset: Asset, item: AssetItem, print: Fingerprint, prepared: Prepared): Promise<string[]> {
  if (!item.transcript || !print.transcript || transcriptHeld(asset, print, prepared)) return [];
  const held = prepared.transcripts.get(asset.id);
  const values = {
    language: item.transcript.language ?? null, summary: item.transcript.summary ?? null, chunkCount: chunksOf(item).length,
    sourceHash: print.transcript.hash, chunksHash: print.transcript.chunksHash,
  };
  let transcriptId: string;
  const changed = held ? (['language', 'summary'] as const).filter((k) => held[k] !== values[k]).map((k) => `transcript.${k}`) : ['transcript'];
  if (!held) {
    const [made] = await session.db.insert(mediaTranscripts).values({ ...values, mediaId: asset.id, workspaceId: session.identity.workspaceId!, createdBy: session.memberId }).returning();
    transcriptId = made!.id;
  } else {
    const [updated] = await session.db.update(mediaTranscripts).set(values).where(eq(mediaTranscripts.id, held.id)).returning({ id: mediaTranscripts.id });
    if (!updated) return refuseWrite(session, mediaTranscripts, 'MediaTranscript', held.id);
    transcriptId = updated.id;
    if (held.chunksHash === print.transcript.chunksHash) return changed;
    changed.push('transcript.chunks');
    await session.db.delete(mediaChunks).where(eq(mediaChunks.mediaTranscriptId, held.id));
  }
  await insertInSlices(session, mediaChunks, chunksOf(item).map((c, position) => ({
    ...c, startSeconds: c.startSeconds === null ? null : String(c.startSeconds), endSeconds: c.endSeconds === null ? null : String(c.endSeconds),
    position, mediaTranscriptId: transcriptId, workspaceId: session.identity.workspaceId!, createdBy: session.memberId,
  })));
  return changed;
}

async function writeAsset(session: Session, item: AssetItem, prepared: Prepared): Promise<{ outcome: IngestOutcome; node: Asset }> {
  const print = fingerprint(item, prepared);
  const { source, hash } = print;
  const author = source.authorAddress ? prepared.match(item.platform, source.authorAddress) : { contactId: null, memberId: null };
  const columns = { ...source, platform: item.platform, externalId: item.externalId, authorContactId: author.contactId, authorMemberId: author.memberId, sourceHash: hash };
  let existing = prepared.existing.get(itemKey(item.platform, item.externalId));
  if (!existing) {
    const [row] = await session.db
      .insert(mediaAssets)
      .values({ ...columns, status: source.status ?? 'pending', workspaceId: session.identity.workspaceId!, createdBy: session.memberId })
      .onConflictDoNothing()
      .returning();
    if (row) {
      await writeTranscript(session, row, item, print, prepared);
      await appendEvent(session, {
        type: 'media.media_asset.ingested', entityId: row.id,
        payload: { platform: row.platform, externalId: row.externalId, kind: row.kind, title: row.title, status: row.status, chunkCount: chunksOf(item).length },
        links: row.authorContactId ? [{ linkType: 'references', entityType: 'contact', entityId: row.authorContactId }] : [],
      });
      return { outcome: 'CREATED', node: row };
    }
    // Another call ingested the same asset first and has committed: compare with what it wrote.
    [existing] = await session.db.select().from(mediaAssets).where(and(eq(mediaAssets.platform, item.platform), eq(mediaAssets.externalId, item.externalId)));
    if (!existing) throw new Error('writeAsset: an asset that conflicted on insert is not visible');
    const [held] = await session.db.select().from(mediaTranscripts).where(eq(mediaTranscripts.mediaId, existing.id));
    if (held) prepared.transcripts.set(existing.id, held);
    if (existing.sourceHash === hash && transcriptHeld(existing, print, prepared)) return { outcome: 'UNCHANGED', node: existing };
  }
  // A status left out keeps the held one, and its failure reason with it.
  const effective = { ...source, status: source.status ?? existing.status, failureReason: source.status ? source.failureReason : existing.failureReason };
  const before = storedSource(existing);
  const changed: string[] = (Object.keys(effective) as (keyof Source)[]).filter((field) => sourceHash(effective[field]) !== sourceHash(before[field]));
  let row = existing;
  if (existing.sourceHash !== hash) {
    // The status step is the database's to allow (core.check_status_step): a refused one is this item's CONFLICT.
    const [updated] = await session.db.update(mediaAssets).set({ ...columns, status: effective.status, failureReason: effective.failureReason }).where(eq(mediaAssets.id, existing.id)).returning();
    if (!updated) return refuseWrite(session, mediaAssets, 'MediaAsset', existing.id);
    row = updated;
  }
  changed.push(...(await writeTranscript(session, row, item, print, prepared)));
  if (!changed.length) return { outcome: 'UNCHANGED', node: row };
  // A step of its processing follows the one before it.
  const cause = row.status !== existing.status ? await latestEventOf(session, ['media.media_asset.ingested', 'media.media_asset.updated'], row.id) : null;
  await appendEvent(session, { type: 'media.media_asset.updated', entityId: row.id, payload: { changed, status: row.status }, links: cause ? [{ linkType: 'caused', refEventId: cause }] : [] });
  return { outcome: 'UPDATED', node: row };
}

/**
 * ingestMediaAssets: recorded videos' and documents' way in (Loom, Drive, uploads), each with its
 * transcript or extracted text in chunks. Idempotent on (workspace, platform, external id): an
 * item sent again unchanged is UNCHANGED, a changed one UPDATED. An item without a transcript
 * leaves a held one as it is. The status moves only along the pipeline (pending, processing, then
 * ready or failed; a failed one back to pending).
 */
export function ingestMediaAssets(request: RequestSession, items: unknown, syncJobId: string | null | undefined) {
  return ingestBatch<AssetItem, Asset, Prepared>(request, items, syncJobId, {
    argument: 'items',
    maxItems: MAX_MEDIA_ASSETS_PER_CALL,
    item: assetItem,
    keyOf: (item) => itemKey(item.platform, item.externalId),
    inputFields: { authorAddress: 'author.address' },
    prepare,
    unchanged,
    write: writeAsset,
  });
}
