import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { appendEvent, ingestBatch, matchParticipants, naturalKeyIn, pastInstant, recordInteractions, refuseWrite, sourceHash, type IngestOutcome, type ParticipantMatch, type RequestSession, type Session, rowColumns } from '@chief/runtime';
import { commsPlatform, communications, direction, threads, urgency, type Recipient } from '../models/index.ts';

type Communication = typeof communications.$inferSelect;

/** The most communications one ingestCommunications call takes (README: the ingestion contract). */
const MAX_COMMUNICATIONS_PER_CALL = 200;

/** How much one communication moves a contact's relationship strength toward 1 (core's formula, README). */
const INTERACTION_WEIGHT = 0.15;

const participant = z.object({
  address: z.string().trim().min(1, 'must not be empty').max(320),
  name: z.string().trim().max(200).nullish(),
});
const sentiment = z.object({
  score: z.number().min(-1, 'must be from -1 to 1').max(1, 'must be from -1 to 1'),
  label: z.enum(['positive', 'negative', 'neutral', 'mixed']),
  confidence: z.number().min(0, 'must be from 0 to 1').max(1, 'must be from 0 to 1'),
  keywords: z.array(z.string().trim().min(1).max(100)).max(50).nullish(),
});

const communicationItem = z.object({
  platform: z.enum(commsPlatform.enumValues),
  externalId: z.string().trim().min(1, 'must not be empty').max(500),
  threadExternalId: z.string().trim().min(1, 'must not be empty').max(500).nullish(),
  founderId: z.uuid('must be an id').transform((id) => id.toLowerCase()).nullish(),
  direction: z.enum(direction.enumValues),
  sender: participant,
  recipients: z.array(participant.extend({ kind: z.enum(['to', 'cc', 'bcc']).nullish() })).max(500).nullish(),
  subject: z.string().max(1000).nullish(),
  content: z.string().max(200_000).nullish(),
  // A date far ahead would pin the message atop the inbox and stop its contacts' decay.
  receivedAt: pastInstant,
  sentAt: z.date().nullish(),
  urgency: z.enum(urgency.enumValues).nullish(),
  topics: z.array(z.string().trim().min(1, 'must not be empty').max(100)).max(20).nullish(),
  sentiment: sentiment.nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
});

type CommunicationItem = z.infer<typeof communicationItem>;

interface Prepared {
  existing: Map<string, Communication>;
  threads: Map<string, string>;
  match: (platform: string, address: string) => ParticipantMatch;
  /** Each item's source hash, worked out once (content runs to 200,000 characters). */
  hashes: WeakMap<CommunicationItem, string>;
}

const itemKey = (platform: string, externalId: string) => `${platform}\u0000${externalId}`;

/** The item as the connector sent it, normalised: what the source hash covers and what `changed` compares. */
function sourceOf(item: CommunicationItem) {
  return {
    threadExternalId: item.threadExternalId ?? null,
    founderId: item.founderId ?? null,
    direction: item.direction,
    sender: { address: item.sender.address, name: item.sender.name ?? null },
    recipients: (item.recipients ?? []).map((r) => ({ address: r.address, name: r.name ?? null, kind: r.kind ?? 'to' })),
    subject: item.subject ?? null,
    content: item.content ?? '',
    receivedAt: item.receivedAt.toISOString(),
    sentAt: item.sentAt?.toISOString() ?? null,
    urgency: item.urgency ?? 'normal',
    topics: item.topics ?? [],
    sentiment: item.sentiment ? { ...item.sentiment, keywords: item.sentiment.keywords ?? [] } : null,
    metadata: item.metadata ?? {},
  };
}

type Source = ReturnType<typeof sourceOf>;

/** The fields of a stored row a new version of the item is compared with. */
function storedSource(row: Communication, threadExternalId: string | null): Source {
  return {
    threadExternalId,
    founderId: row.founderId,
    direction: row.direction,
    sender: { address: row.senderAddress, name: row.senderName },
    recipients: row.recipients.map((r) => ({ address: r.address, name: r.name, kind: r.kind })),
    subject: row.subject,
    content: row.content,
    receivedAt: new Date(row.receivedAt).toISOString(),
    sentAt: row.sentAt?.toISOString() ?? null,
    urgency: row.urgency,
    topics: row.topics,
    sentiment: row.sentiment ? { ...row.sentiment, keywords: row.sentiment.keywords ?? [] } : null,
    metadata: row.metadata,
  };
}

async function prepare(session: Session, items: CommunicationItem[]): Promise<Prepared> {
  const threaded = items.filter((i) => i.threadExternalId).map((i) => ({ platform: i.platform, externalId: i.threadExternalId! }));
  const addresses = items.flatMap((i) => [i.sender, ...(i.recipients ?? [])].map((p) => ({ platform: i.platform, address: p.address })));
  const [existingRows, threadRows, matched] = await Promise.all([
    items.length ? session.db.select(rowColumns(communications)).from(communications).where(naturalKeyIn(communications.platform, communications.externalId, 'comms.platform', items)) : [],
    threaded.length
      ? session.db.select({ id: threads.id, platform: threads.platform, externalId: threads.externalId }).from(threads).where(naturalKeyIn(threads.platform, threads.externalId, 'comms.platform', threaded))
      : [],
    matchParticipants(session, addresses),
  ]);
  return {
    existing: new Map(existingRows.map((row) => [itemKey(row.platform, row.externalId), row])),
    threads: new Map(threadRows.map((t) => [itemKey(t.platform, t.externalId), t.id])),
    match: matched.match,
    hashes: new WeakMap(),
  };
}

/** The thread an item belongs to, made on first sight (with its event). */
async function threadFor(session: Session, item: CommunicationItem, prepared: Prepared): Promise<string | null> {
  if (!item.threadExternalId) return null;
  const known = prepared.threads.get(itemKey(item.platform, item.threadExternalId));
  if (known) return known;
  const [made] = await session.db
    .insert(threads)
    .values({ workspaceId: session.identity.workspaceId!, platform: item.platform, externalId: item.threadExternalId, subject: item.subject ?? null, founderId: item.founderId ?? null, createdBy: session.memberId })
    .onConflictDoNothing()
    .returning({ id: threads.id });
  if (made) {
    await appendEvent(session, { type: 'comms.thread.created', entityId: made.id, payload: { platform: item.platform, externalId: item.threadExternalId } });
    return made.id;
  }
  // Another transaction made it first and has committed.
  const [other] = await session.db.select({ id: threads.id }).from(threads).where(and(eq(threads.platform, item.platform), eq(threads.externalId, item.threadExternalId)));
  if (!other) throw new Error('threadFor: a thread that conflicted on insert is not visible');
  return other.id;
}

/** The row's columns: the item's normalised source, with whom its addresses matched and its thread. */
function columnsOf(item: CommunicationItem, source: Source, prepared: Prepared, threadId: string | null, hash: string) {
  const match = (address: string) => prepared.match(item.platform, address);
  const sender = match(source.sender.address);
  const recipients: Recipient[] = source.recipients.map((r) => ({ ...r, ...match(r.address) }));
  const contactIds = [...new Set([sender.contactId, ...recipients.map((r) => r.contactId)].filter((id): id is string => id !== null))];
  const { threadExternalId: _thread, sender: _sender, sentAt, ...same } = source;
  return {
    ...same,
    platform: item.platform,
    externalId: item.externalId,
    threadId,
    senderAddress: source.sender.address,
    senderName: source.sender.name,
    senderContactId: sender.contactId,
    senderMemberId: sender.memberId,
    recipients,
    contactIds,
    sentAt: item.sentAt ?? null,
    sourceHash: hash,
  };
}

function hashOf(item: CommunicationItem, prepared: Prepared): string {
  let hash = prepared.hashes.get(item);
  if (!hash) prepared.hashes.set(item, (hash = sourceHash({ platform: item.platform, externalId: item.externalId, ...sourceOf(item) })));
  return hash;
}

/** The stored communication when the item is held exactly as sent. */
function unchanged(item: CommunicationItem, prepared: Prepared): Communication | null {
  const existing = prepared.existing.get(itemKey(item.platform, item.externalId));
  return existing && existing.sourceHash === hashOf(item, prepared) ? existing : null;
}

async function writeCommunication(session: Session, item: CommunicationItem, prepared: Prepared): Promise<{ outcome: IngestOutcome; node: Communication }> {
  const source = sourceOf(item);
  const hash = hashOf(item, prepared);
  let existing = prepared.existing.get(itemKey(item.platform, item.externalId));
  const threadId = await threadFor(session, item, prepared);
  const values = columnsOf(item, source, prepared, threadId, hash);
  if (!existing) {
    const [row] = await session.db
      .insert(communications)
      .values({ ...values, workspaceId: session.identity.workspaceId!, createdBy: session.memberId })
      .onConflictDoNothing()
      .returning(rowColumns(communications));
    if (row) {
      await appendEvent(session, {
        type: 'comms.communication.received', entityId: row.id,
        payload: { platform: row.platform, externalId: row.externalId, direction: row.direction, urgency: row.urgency, threadId: row.threadId, contactIds: row.contactIds },
        links: [
          ...(row.threadId ? [{ linkType: 'references' as const, entityType: 'thread', entityId: row.threadId }] : []),
          ...row.contactIds.slice(0, 8).map((id) => ({ linkType: 'references' as const, entityType: 'contact', entityId: id })),
        ],
      });
      rememberThread(prepared, item, threadId);
      return { outcome: 'CREATED', node: row };
    }
    // Another call ingested the same item first and has committed: compare with what it wrote.
    [existing] = await session.db.select(rowColumns(communications)).from(communications).where(and(eq(communications.platform, item.platform), eq(communications.externalId, item.externalId)));
    if (!existing) throw new Error('writeCommunication: a communication that conflicted on insert is not visible');
    if (existing.sourceHash === hash) return { outcome: 'UNCHANGED', node: existing };
  }
  const before = storedSource(existing, existing.threadId === threadId ? source.threadExternalId : null);
  // Compared by hash: key order does not count (jsonb keeps keys in its own order).
  const changed = (Object.keys(source) as (keyof Source)[]).filter((field) => sourceHash(source[field]) !== sourceHash(before[field]));
  const [row] = await session.db.update(communications).set(values).where(eq(communications.id, existing.id)).returning(rowColumns(communications));
  if (!row) return refuseWrite(session, communications, 'Communication', existing.id);
  await appendEvent(session, { type: 'comms.communication.updated', entityId: row.id, payload: { changed: changed.length ? changed : ['source'] } });
  rememberThread(prepared, item, threadId);
  return { outcome: 'UPDATED', node: row };
}

/** Once an item is written, the batch's later messages of its thread find the thread. */
function rememberThread(prepared: Prepared, item: CommunicationItem, threadId: string | null) {
  if (threadId && item.threadExternalId) prepared.threads.set(itemKey(item.platform, item.threadExternalId), threadId);
}

/**
 * ingestCommunications: the unified inbox's way in. Idempotent on (workspace, platform, external
 * id): an item sent again unchanged is UNCHANGED (no write, no event), a changed one is UPDATED
 * (its source fields; what people did with it, read or follow-up, stays). New items move their
 * contacts' relationship strength and last interaction (core.record_interactions).
 */
export function ingestCommunications(request: RequestSession, items: unknown, syncJobId: string | null | undefined) {
  return ingestBatch(request, items, syncJobId, {
    argument: 'items',
    maxItems: MAX_COMMUNICATIONS_PER_CALL,
    item: communicationItem,
    keyOf: (item) => itemKey(item.platform, item.externalId),
    inputFields: { senderAddress: 'sender.address', senderName: 'sender.name', threadId: 'threadExternalId' },
    prepare,
    unchanged,
    write: writeCommunication,
    async finish(session, written) {
      const touches = written.filter((w) => w.outcome === 'CREATED').flatMap((w) => w.node.contactIds.map((contactId) => ({ contactId, at: w.node.receivedAt })));
      await recordInteractions(session, touches, INTERACTION_WEIGHT);
    },
  });
}
