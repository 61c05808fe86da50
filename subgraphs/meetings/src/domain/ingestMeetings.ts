import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import {
  anyUuid, appendEvent, ingestBatch, matchParticipants, naturalKeyIn, recordInteractions, refuseWrite, sourceHash,
  type IngestOutcome, type ParticipantMatch, type RequestSession, type Session,
} from '@chief/runtime';
import { attendance, meetingPlatform, meetingStatus, meetings, participantRole, participants } from '../models/index.ts';

type Meeting = typeof meetings.$inferSelect;
type Participant = typeof participants.$inferSelect;

/** The most meetings one ingestMeetings call takes (README: the ingestion contract). */
export const MAX_MEETINGS_PER_CALL = 200;
/** The most participants one meeting lists. */
export const MAX_PARTICIPANTS = 500;

/** How much one meeting moves a contact's relationship strength toward 1: twice an email's (core's formula, README). */
const INTERACTION_WEIGHT = 0.3;
/** How far ahead of Chief's clock a connector's clock may run. */
const MAX_CLOCK_SKEW_MS = 5 * 60_000;
const DAY_MS = 86_400_000;

const participantInput = z
  .object({
    address: z.string().trim().min(1, 'must not be empty').max(320).nullish(),
    name: z.string().trim().min(1, 'must not be empty').max(200).nullish(),
    role: z.enum(participantRole.enumValues).nullish(),
    attendance: z.enum(attendance.enumValues).nullish(),
  })
  .refine((p) => p.address || p.name, { message: 'needs an address or a name', path: ['address'] });

const meetingItem = z
  .object({
    platform: z.enum(meetingPlatform.enumValues),
    externalId: z.string().trim().min(1, 'must not be empty').max(500),
    founderId: z.uuid('must be an id').transform((id) => id.toLowerCase()).nullish(),
    title: z.string().trim().min(1, 'must not be empty').max(500),
    description: z.string().max(20_000).nullish(),
    startTime: z.date(),
    endTime: z.date(),
    recordingUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2000).nullish(),
    status: z.enum(meetingStatus.enumValues).nullish(),
    participants: z.array(participantInput).max(MAX_PARTICIPANTS).nullish(),
    metadata: z.record(z.string(), z.unknown()).nullish(),
  })
  .superRefine((m, ctx) => {
    const length = m.endTime.getTime() - m.startTime.getTime();
    if (length < 0) ctx.addIssue({ code: 'custom', path: ['endTime'], message: 'must not be before startTime' });
    else if (length > DAY_MS) ctx.addIssue({ code: 'custom', path: ['endTime'], message: 'must be within 24 hours of startTime' });
    // A meeting that is over or under way has started.
    if ((m.status === 'completed' || m.status === 'in_progress') && m.startTime.getTime() > Date.now() + MAX_CLOCK_SKEW_MS) {
      ctx.addIssue({ code: 'custom', path: ['startTime'], message: `must not be in the future for a ${m.status} meeting` });
    }
    const seen = new Map<string, number>();
    (m.participants ?? []).forEach((p, index) => {
      if (!p.address) return;
      const address = p.address.toLowerCase();
      const first = seen.get(address);
      if (first !== undefined) ctx.addIssue({ code: 'custom', path: ['participants', index, 'address'], message: `the same address as participants.${first}` });
      else seen.set(address, index);
    });
  });

type MeetingItem = z.infer<typeof meetingItem>;

const itemKey = (platform: string, externalId: string) => `${platform}\u0000${externalId}`;

/** The item as the connector sent it, normalised: what the source hash covers and what `changed` compares. */
function sourceOf(item: MeetingItem) {
  return {
    founderId: item.founderId ?? null,
    title: item.title,
    description: item.description ?? null,
    startTime: item.startTime.toISOString(),
    endTime: item.endTime.toISOString(),
    recordingUrl: item.recordingUrl ?? null,
    status: item.status ?? 'scheduled',
    participants: (item.participants ?? []).map((p) => ({ address: p.address ?? null, name: p.name ?? null, role: p.role ?? 'attendee', attendance: p.attendance ?? 'invited' })),
    metadata: item.metadata ?? {},
  };
}

type Source = ReturnType<typeof sourceOf>;

function storedSource(row: Meeting, people: Participant[]): Source {
  return {
    founderId: row.founderId,
    title: row.title,
    description: row.description,
    startTime: new Date(row.startTime).toISOString(),
    endTime: new Date(row.endTime).toISOString(),
    recordingUrl: row.recordingUrl,
    status: row.status,
    participants: people.map((p) => ({ address: p.address, name: p.name, role: p.role, attendance: p.attendance })),
    metadata: row.metadata,
  };
}

interface Prepared {
  existing: Map<string, Meeting>;
  /** The stored participants of the meetings the batch already holds, in order. */
  people: Map<string, Participant[]>;
  match: (platform: string, address: string) => ParticipantMatch;
  hashes: WeakMap<MeetingItem, string>;
}

async function prepare(session: Session, items: MeetingItem[]): Promise<Prepared> {
  const addresses = items.flatMap((i) => (i.participants ?? []).flatMap((p) => (p.address ? [{ platform: i.platform, address: p.address }] : [])));
  const [existingRows, matched] = await Promise.all([
    items.length ? session.db.select().from(meetings).where(naturalKeyIn(meetings.platform, meetings.externalId, 'meetings.platform', items)) : [],
    matchParticipants(session, addresses),
  ]);
  const stored = existingRows.length
    ? await session.db.select().from(participants).where(anyUuid(participants.meetingId, existingRows.map((m) => m.id))).orderBy(participants.meetingId, participants.position)
    : [];
  const people = new Map<string, Participant[]>();
  for (const p of stored) people.set(p.meetingId, [...(people.get(p.meetingId) ?? []), p]);
  return { existing: new Map(existingRows.map((row) => [itemKey(row.platform, row.externalId), row])), people, match: matched.match, hashes: new WeakMap() };
}

function hashOf(item: MeetingItem, prepared: Prepared): string {
  let hash = prepared.hashes.get(item);
  if (!hash) prepared.hashes.set(item, (hash = sourceHash({ platform: item.platform, externalId: item.externalId, ...sourceOf(item) })));
  return hash;
}

function unchanged(item: MeetingItem, prepared: Prepared): Meeting | null {
  const existing = prepared.existing.get(itemKey(item.platform, item.externalId));
  return existing && existing.sourceHash === hashOf(item, prepared) ? existing : null;
}

/** The participant rows of a meeting; a contact matched by two addresses is the first one's. */
function participantRows(session: Session, item: MeetingItem, source: Source, meetingId: string, prepared: Prepared) {
  const contacts = new Set<string>();
  return source.participants.map((p, position) => {
    const match = p.address ? prepared.match(item.platform, p.address) : { contactId: null, memberId: null };
    const contactId = match.contactId && !contacts.has(match.contactId) ? match.contactId : null;
    if (contactId) contacts.add(contactId);
    return { ...p, position, contactId, memberId: match.memberId, meetingId, workspaceId: session.identity.workspaceId!, createdBy: session.memberId };
  });
}

/** The contacts who took part (not those who declined or stayed away). */
const attendees = (rows: { contactId: string | null; attendance: string }[]) =>
  rows.flatMap((p) => (p.contactId && p.attendance !== 'declined' && p.attendance !== 'absent' ? [p.contactId] : []));

/** A meeting counts as an interaction with its attendees once it is held: started, and not canceled. */
const held = (meeting: { status: string; startTime: string }, at: number) => meeting.status !== 'canceled' && new Date(meeting.startTime).getTime() <= at;

interface Written {
  outcome: IngestOutcome;
  node: Meeting;
  /** The contacts this write makes an interaction with: everyone on first being held, newcomers after. */
  touched: string[];
}

async function writeMeeting(session: Session, item: MeetingItem, prepared: Prepared): Promise<Written> {
  const source = sourceOf(item);
  const hash = hashOf(item, prepared);
  const { participants: people, ...columns } = source;
  const values = { ...columns, platform: item.platform, externalId: item.externalId, sourceHash: hash };
  let existing = prepared.existing.get(itemKey(item.platform, item.externalId));
  if (!existing) {
    const [row] = await session.db
      .insert(meetings)
      .values({ ...values, workspaceId: session.identity.workspaceId!, createdBy: session.memberId })
      .onConflictDoNothing()
      .returning();
    if (row) {
      const rows = participantRows(session, item, source, row.id, prepared);
      if (rows.length) await session.db.insert(participants).values(rows);
      const contactIds = rows.flatMap((p) => (p.contactId ? [p.contactId] : []));
      await appendEvent(session, {
        type: 'meetings.meeting.ingested', entityId: row.id,
        payload: { platform: row.platform, externalId: row.externalId, title: row.title, startTime: new Date(row.startTime).toISOString(), status: row.status, participantCount: rows.length, contactIds },
        links: contactIds.slice(0, 8).map((id) => ({ linkType: 'references' as const, entityType: 'contact', entityId: id })),
      });
      return { outcome: 'CREATED', node: row, touched: held(row, Date.now()) ? attendees(rows) : [] };
    }
    // Another call ingested the same meeting first and has committed: compare with what it wrote.
    [existing] = await session.db.select().from(meetings).where(and(eq(meetings.platform, item.platform), eq(meetings.externalId, item.externalId)));
    if (!existing) throw new Error('writeMeeting: a meeting that conflicted on insert is not visible');
    if (existing.sourceHash === hash) return { outcome: 'UNCHANGED', node: existing, touched: [] };
    prepared.people.set(existing.id, await session.db.select().from(participants).where(eq(participants.meetingId, existing.id)).orderBy(participants.position));
  }
  const storedPeople = prepared.people.get(existing.id) ?? [];
  const before = storedSource(existing, storedPeople);
  const changed = (Object.keys(source) as (keyof Source)[]).filter((field) => sourceHash(source[field]) !== sourceHash(before[field]));
  const [row] = await session.db.update(meetings).set(values).where(eq(meetings.id, existing.id)).returning();
  if (!row) return refuseWrite(session, meetings, 'Meeting', existing.id);
  let current: { contactId: string | null; attendance: string }[] = storedPeople;
  if (changed.includes('participants')) {
    await session.db.delete(participants).where(eq(participants.meetingId, row.id));
    const rows = participantRows(session, item, source, row.id, prepared);
    if (rows.length) await session.db.insert(participants).values(rows);
    current = rows;
  }
  await appendEvent(session, { type: 'meetings.meeting.updated', entityId: row.id, payload: { changed: changed.length ? changed : ['source'], status: row.status } });
  // Held before this write (as of the last one)? Then only newcomers are a new interaction.
  const wasHeld = held(existing, existing.updatedAt.getTime());
  const earlier = new Set(wasHeld ? attendees(storedPeople) : []);
  const touched = held(row, Date.now()) ? attendees(current).filter((id) => !earlier.has(id)) : [];
  return { outcome: 'UPDATED', node: row, touched };
}

/**
 * ingestMeetings: calendars and meeting platforms' way in. Idempotent on (workspace, platform,
 * external id): an item sent again unchanged is UNCHANGED (no write, no event), a changed one is
 * UPDATED, its participants replaced when they changed. Participants are matched to contacts and
 * members by address; a held meeting (started, not canceled) moves its attendees' relationship
 * strength and last interaction, once.
 */
export function ingestMeetings(request: RequestSession, items: unknown, syncJobId: string | null | undefined) {
  const touches: { contactId: string; at: string }[] = [];
  return ingestBatch<MeetingItem, Meeting, Prepared>(request, items, syncJobId, {
    argument: 'items',
    maxItems: MAX_MEETINGS_PER_CALL,
    item: meetingItem,
    keyOf: (item) => itemKey(item.platform, item.externalId),
    inputFields: { timeRange: 'endTime' },
    prepare,
    unchanged,
    async write(session, item, prepared) {
      const { touched, ...done } = await writeMeeting(session, item, prepared);
      touches.push(...touched.map((contactId) => ({ contactId, at: done.node.startTime })));
      return done;
    },
    finish: (session) => recordInteractions(session, touches, INTERACTION_WEIGHT),
  });
}
