import { createHash } from 'node:crypto';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import {
  anyUuid, appendEvent, badUserInput, ingestBatch, insertInSlices, languageTag, latestEventOf, naturalKeyIn, notFound, recordingSeconds, refuseWrite, sourceHash,
  type IngestOutcome, type RequestSession, type Session,
} from '@chief/runtime';
import { meetingPlatform, meetings, transcriptChunks, transcripts, transcriptStatus, type ActionItem, type SopStep } from '../models/index.ts';

type Transcript = typeof transcripts.$inferSelect;
type MeetingRef = { id: string; platform: string; externalId: string };

/** The most transcripts one attachTranscript call takes (README: the ingestion contract). */
const MAX_TRANSCRIPTS_PER_CALL = 20;
/** The most chunks one transcript holds (about ten hours of speech in 20-second passages). */
const MAX_CHUNKS_PER_TRANSCRIPT = 2000;

/** Seed 000's priorities, as the action items' JSON holds them. */
export const ACTION_ITEM_PRIORITIES = ['low', 'medium', 'high', 'urgent'] as const;

const chunkInput = z
  .object({
    speaker: z.string().trim().min(1, 'must not be empty').max(200).nullish(),
    startSeconds: recordingSeconds,
    endSeconds: recordingSeconds,
    text: z.string().trim().min(1, 'must not be empty').max(20_000),
  })
  .refine((c) => c.endSeconds >= c.startSeconds, { message: 'must not be before startSeconds', path: ['endSeconds'] });

const actionItemInput = z.object({
  id: z.uuid('must be an id').transform((id) => id.toLowerCase()).nullish(),
  description: z.string().trim().min(1, 'must not be empty').max(2000),
  assignee: z.string().trim().min(1, 'must not be empty').max(320).nullish(),
  priority: z.enum(ACTION_ITEM_PRIORITIES).nullish(),
  dueDate: z.iso.date('must be a date (YYYY-MM-DD)').nullish(),
});

const sopStepInput = z.object({
  title: z.string().trim().min(1, 'must not be empty').max(500),
  detail: z.string().trim().max(5000).nullish(),
  owner: z.string().trim().min(1, 'must not be empty').max(200).nullish(),
});

const transcriptItem = z
  .object({
    meetingId: z.uuid('must be an id').transform((id) => id.toLowerCase()).nullish(),
    platform: z.enum(meetingPlatform.enumValues).nullish(),
    meetingExternalId: z.string().trim().min(1, 'must not be empty').max(500).nullish(),
    status: z.enum(transcriptStatus.enumValues).nullish(),
    failureReason: z.string().trim().min(1, 'must not be empty').max(2000).nullish(),
    language: languageTag.nullish(),
    provider: z.string().trim().min(1, 'must not be empty').max(100).nullish(),
    summary: z.string().max(20_000).nullish(),
    actionItems: z.array(actionItemInput).max(100).nullish(),
    sopSteps: z.array(sopStepInput).max(100).nullish(),
    chunks: z.array(chunkInput).max(MAX_CHUNKS_PER_TRANSCRIPT).nullish(),
  })
  .superRefine((t, ctx) => {
    if (t.meetingId ? t.platform || t.meetingExternalId : !(t.platform && t.meetingExternalId)) {
      ctx.addIssue({ code: 'custom', path: [t.meetingId ? 'meetingId' : 'meetingExternalId'], message: 'name the meeting by meetingId, or by platform and meetingExternalId' });
    }
    if ((t.status === 'failed') !== Boolean(t.failureReason)) {
      ctx.addIssue({ code: 'custom', path: ['failureReason'], message: t.failureReason ? 'is only for a FAILED transcript' : 'is required for a FAILED transcript' });
    }
    const ids = new Map<string, number>();
    (t.actionItems ?? []).forEach((a, index) => {
      if (!a.id) return;
      const first = ids.get(a.id);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['actionItems', index, 'id'], message: `the same id as actionItems.${first}` });
      else ids.set(a.id, index);
    });
  });

type TranscriptItem = z.infer<typeof transcriptItem>;

const itemKey = (item: TranscriptItem) => (item.meetingId ? `id\u0000${item.meetingId}` : `${item.platform}\u0000${item.meetingExternalId}`);
const meetingField = (item: TranscriptItem) => (item.meetingId ? 'meetingId' : 'meetingExternalId');

/** A stable id for an action item the connector sent without one: the same item keeps its id across re-sends (tasks refer to it). */
function actionItemId(meetingId: string, description: string, nth: number): string {
  const hex = createHash('sha256').update(`${meetingId}\u0000${description.toLowerCase()}\u0000${nth}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${((parseInt(hex[16]!, 16) & 3) | 8).toString(16)}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * The item as sent, normalised: what the hashes cover and what `changed` compares. Chunks apart:
 * they have their own hash. A status left out is null here: a new transcript is COMPLETED, a held
 * one keeps its own.
 */
function sourceOf(item: TranscriptItem, meetingId: string) {
  // Ids the producer gave are kept; a made one skips any already taken, so ids stay unique.
  const taken = new Set((item.actionItems ?? []).flatMap((a) => (a.id ? [a.id] : [])));
  const seen = new Map<string, number>();
  const actionItems: ActionItem[] = (item.actionItems ?? []).map((a) => {
    let id = a.id;
    for (let nth = seen.get(a.description.toLowerCase()) ?? 0; !id; nth++) {
      const made = actionItemId(meetingId, a.description, nth);
      seen.set(a.description.toLowerCase(), nth + 1);
      if (!taken.has(made)) id = made;
    }
    taken.add(id);
    return { id, description: a.description, assignee: a.assignee ?? null, priority: a.priority ?? null, due_date: a.dueDate ?? null };
  });
  return {
    status: item.status ?? null,
    failureReason: item.failureReason ?? null,
    language: item.language ?? null,
    provider: item.provider ?? null,
    summary: item.summary ?? null,
    actionItems,
    sopSteps: (item.sopSteps ?? []).map((s, index): SopStep => ({ step: index + 1, title: s.title, detail: s.detail ?? null, owner: s.owner ?? null })),
  };
}

type Source = ReturnType<typeof sourceOf>;

const chunksOf = (item: TranscriptItem) => (item.chunks ?? []).map((c) => ({ speaker: c.speaker ?? null, startSeconds: c.startSeconds, endSeconds: c.endSeconds, text: c.text }));

const storedSource = (row: Transcript): Source => ({
  status: row.status, failureReason: row.failureReason, language: row.language, provider: row.provider, summary: row.summary, actionItems: row.actionItems, sopSteps: row.sopSteps,
});

interface Prepared {
  /** The meeting each item names, by its key. */
  meetings: Map<string, MeetingRef>;
  /** The transcripts held, by meeting id. */
  existing: Map<string, Transcript>;
  /** The item each meeting was named by first: a meeting named twice in a batch (by id and by key) is refused the second time. */
  claimed: Map<string, TranscriptItem>;
  hashes: WeakMap<TranscriptItem, { source: Source; hash: string; chunksHash: string }>;
}

async function prepare(session: Session, items: TranscriptItem[]): Promise<Prepared> {
  const byId = items.flatMap((i) => (i.meetingId ? [i.meetingId] : []));
  const byKey = items.flatMap((i) => (i.meetingId ? [] : [{ platform: i.platform!, externalId: i.meetingExternalId! }]));
  const columns = { id: meetings.id, platform: meetings.platform, externalId: meetings.externalId };
  const [named, keyed] = await Promise.all([
    byId.length ? session.db.select(columns).from(meetings).where(anyUuid(meetings.id, byId)) : [],
    byKey.length ? session.db.select(columns).from(meetings).where(naturalKeyIn(meetings.platform, meetings.externalId, 'meetings.platform', byKey)) : [],
  ]);
  const found = new Map<string, MeetingRef>([...named.map((m) => [`id\u0000${m.id}`, m] as const), ...keyed.map((m) => [`${m.platform}\u0000${m.externalId}`, m] as const)]);
  const meetingIds = [...new Set([...found.values()].map((m) => m.id))];
  const held = meetingIds.length ? await session.db.select().from(transcripts).where(anyUuid(transcripts.meetingId, meetingIds)) : [];
  return { meetings: found, existing: new Map(held.map((t) => [t.meetingId, t])), claimed: new Map(), hashes: new WeakMap() };
}

function fingerprint(item: TranscriptItem, meeting: MeetingRef, prepared: Prepared) {
  let known = prepared.hashes.get(item);
  if (!known) {
    const source = sourceOf(item, meeting.id);
    known = { source, hash: sourceHash({ meetingId: meeting.id, ...source, chunks: chunksOf(item) }), chunksHash: sourceHash(chunksOf(item)) };
    prepared.hashes.set(item, known);
  }
  return known;
}

/** Whether the item is the first of the batch to name its meeting (items are taken one at a time, in key order). */
function claims(item: TranscriptItem, meeting: MeetingRef, prepared: Prepared): boolean {
  const first = prepared.claimed.get(meeting.id);
  if (!first) prepared.claimed.set(meeting.id, item);
  return !first || first === item;
}

function unchanged(item: TranscriptItem, prepared: Prepared): Transcript | null {
  const meeting = prepared.meetings.get(itemKey(item));
  if (!meeting || !claims(item, meeting, prepared)) return null;
  const existing = prepared.existing.get(meeting.id);
  return existing && existing.sourceHash === fingerprint(item, meeting, prepared).hash ? existing : null;
}

async function insertChunks(session: Session, transcriptId: string, item: TranscriptItem) {
  const rows = chunksOf(item).map((c, position) => ({
    ...c, startSeconds: String(c.startSeconds), endSeconds: String(c.endSeconds), position, transcriptId, workspaceId: session.identity.workspaceId!, createdBy: session.memberId,
  }));
  await insertInSlices(session, transcriptChunks, rows);
}

async function writeTranscript(session: Session, item: TranscriptItem, prepared: Prepared): Promise<{ outcome: IngestOutcome; node: Transcript }> {
  const meeting = prepared.meetings.get(itemKey(item));
  if (!meeting) {
    const field = meetingField(item);
    throw notFound('Meeting', item.meetingId ?? item.meetingExternalId ?? '', { field, message: `${field}: no such meeting in this workspace; ingest it with ingestMeetings first` });
  }
  if (!claims(item, meeting, prepared)) {
    const field = meetingField(item);
    throw badUserInput(field, `${field}: the same meeting as an earlier item of this batch; send one transcript per meeting`);
  }
  const { source, hash, chunksHash } = fingerprint(item, meeting, prepared);
  const chunkCount = item.chunks?.length ?? 0;
  let existing = prepared.existing.get(meeting.id);
  if (!existing) {
    const status = source.status ?? 'completed';
    const [row] = await session.db
      .insert(transcripts)
      .values({ ...source, status, chunkCount, sourceHash: hash, chunksHash, meetingId: meeting.id, completedAt: status === 'completed' ? new Date() : null, workspaceId: session.identity.workspaceId!, createdBy: session.memberId })
      .onConflictDoNothing()
      .returning();
    if (row) {
      await insertChunks(session, row.id, item);
      // Seed 000's flow: the meeting's ingestion caused its transcript.
      const cause = await latestEventOf(session, ['meetings.meeting.ingested'], meeting.id);
      await appendEvent(session, {
        type: 'meetings.transcript.attached', entityId: row.id,
        payload: { meetingId: meeting.id, status: row.status, language: row.language, chunkCount, actionItemCount: source.actionItems.length, sopStepCount: source.sopSteps.length },
        links: [{ linkType: 'references', entityType: 'meeting', entityId: meeting.id }, ...(cause ? [{ linkType: 'caused' as const, refEventId: cause }] : [])],
      });
      prepared.existing.set(meeting.id, row);
      return { outcome: 'CREATED', node: row };
    }
    // Another call attached one first and has committed: compare with what it wrote.
    [existing] = await session.db.select().from(transcripts).where(eq(transcripts.meetingId, meeting.id));
    if (!existing) throw new Error('writeTranscript: a transcript that conflicted on insert is not visible');
    if (existing.sourceHash === hash) return { outcome: 'UNCHANGED', node: existing };
  }
  if (existing.sourceHash === hash) return { outcome: 'UNCHANGED', node: existing };
  // A status left out keeps the held one, and its failure reason with it.
  const effective = { ...source, status: source.status ?? existing.status, failureReason: source.status ? source.failureReason : existing.failureReason };
  const before = storedSource(existing);
  const changed: string[] = (Object.keys(effective) as (keyof Source)[]).filter((field) => sourceHash(effective[field]) !== sourceHash(before[field]));
  const chunksChanged = existing.chunksHash !== chunksHash;
  if (chunksChanged) changed.push('chunks');
  const completedAt = effective.status !== 'completed' ? null : existing.status === 'completed' ? existing.completedAt : new Date();
  // The status step is the database's to allow (core.check_status_step): a refused one is this item's CONFLICT.
  const [row] = await session.db.update(transcripts).set({ ...effective, chunkCount, sourceHash: hash, chunksHash, completedAt }).where(eq(transcripts.id, existing.id)).returning();
  if (!row) return refuseWrite(session, transcripts, 'Transcript', existing.id);
  prepared.existing.set(meeting.id, row);
  if (!changed.length) return { outcome: 'UNCHANGED', node: row };
  if (chunksChanged) {
    await session.db.delete(transcriptChunks).where(eq(transcriptChunks.transcriptId, row.id));
    await insertChunks(session, row.id, item);
  }
  // A step of the pipeline follows the one before it.
  const cause = row.status !== existing.status ? await latestEventOf(session, ['meetings.transcript.attached', 'meetings.transcript.updated'], row.id) : null;
  await appendEvent(session, {
    type: 'meetings.transcript.updated', entityId: row.id, payload: { meetingId: meeting.id, changed, status: row.status },
    links: cause ? [{ linkType: 'caused', refEventId: cause }] : [],
  });
  return { outcome: 'UPDATED', node: row };
}

/**
 * attachTranscript: transcription's way in (Fireflies, Zoom, Whisper), a meeting's transcript with
 * its chunks in bulk. One transcript per meeting: an item sent again unchanged is UNCHANGED, a
 * changed one UPDATED (its chunks rewritten only when they changed). The status moves only along
 * the pipeline (pending, processing, then completed or failed; a failed one back to pending).
 */
export function attachTranscript(request: RequestSession, items: unknown, syncJobId: string | null | undefined) {
  return ingestBatch<TranscriptItem, Transcript, Prepared>(request, items, syncJobId, {
    argument: 'items',
    maxItems: MAX_TRANSCRIPTS_PER_CALL,
    item: transcriptItem,
    keyOf: itemKey,
    keyField: meetingField,
    prepare,
    unchanged,
    write: writeTranscript,
  });
}
