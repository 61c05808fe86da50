import { and, eq } from 'drizzle-orm';
import { z } from 'zod';
import {
  MAX_CLOCK_SKEW_MS, anyUuid, appendEvent, ingestBatch, latestEventOf, matchParticipants, naturalKeyIn, refuseWrite, sourceHash,
  type IngestOutcome, type ParticipantMatch, type RequestSession, type Session,
} from '@chief/runtime';
import { attendance, meetingPlatform, meetingStatus, meetings, participantRole, participants } from '../models/index.ts';

type Meeting = typeof meetings.$inferSelect;
type Participant = typeof participants.$inferSelect;

/** The most meetings one ingestMeetings call takes (README: the ingestion contract). */
const MAX_MEETINGS_PER_CALL = 200;
/** The most participants one meeting lists. */
const MAX_PARTICIPANTS = 100;

/** How much one meeting moves a contact's relationship strength toward 1: twice an email's (core's formula, README). */
const INTERACTION_WEIGHT = 0.3;
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

/**
 * The item as the connector sent it, normalised: what the source hash covers and what `changed`
 * compares. A status left out is null here: a new meeting is SCHEDULED, a held one keeps its own.
 */
function sourceOf(item: MeetingItem) {
  return {
    founderId: item.founderId ?? null,
    title: item.title,
    description: item.description ?? null,
    startTime: item.startTime.toISOString(),
    endTime: item.endTime.toISOString(),
    recordingUrl: item.recordingUrl ?? null,
    status: item.status ?? null,
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
  /** The stored participants of the held meetings the batch changes or must count, in order. */
  people: Map<string, Participant[]>;
  match: (platform: string, address: string) => ParticipantMatch;
  hashes: WeakMap<MeetingItem, string>;
}

/** A meeting counts as an interaction with its attendees once it is held: started, and not canceled. */
const held = (meeting: { status: string; startTime: string }) => meeting.status !== 'canceled' && new Date(meeting.startTime).getTime() <= Date.now();

/** The contacts who took part (not those who declined or stayed away). */
const attendees = (rows: { contactId: string | null; attendance: string }[]) =>
  rows.flatMap((p) => (p.contactId && p.attendance !== 'declined' && p.attendance !== 'absent' ? [p.contactId] : []));

async function prepare(session: Session, items: MeetingItem[]): Promise<Prepared> {
  const addresses = items.flatMap((i) => (i.participants ?? []).flatMap((p) => (p.address ? [{ platform: i.platform, address: p.address }] : [])));
  const [existingRows, matched] = await Promise.all([
    items.length ? session.db.select().from(meetings).where(naturalKeyIn(meetings.platform, meetings.externalId, 'meetings.platform', items)) : [],
    matchParticipants(session, addresses),
  ]);
  const prepared: Prepared = { existing: new Map(existingRows.map((row) => [itemKey(row.platform, row.externalId), row])), people: new Map(), match: matched.match, hashes: new WeakMap() };
  // Participants are read only where they are needed: for a meeting that changed, or one held since it was last counted.
  const needed = items.flatMap((item) => {
    const row = prepared.existing.get(itemKey(item.platform, item.externalId));
    return row && (row.sourceHash !== hashOf(item, prepared) || (!row.interactionsRecordedAt && held(row))) ? [row.id] : [];
  });
  const stored = needed.length
    ? await session.db.select().from(participants).where(anyUuid(participants.meetingId, needed)).orderBy(participants.meetingId, participants.position)
    : [];
  for (const p of stored) prepared.people.set(p.meetingId, [...(prepared.people.get(p.meetingId) ?? []), p]);
  return prepared;
}

function hashOf(item: MeetingItem, prepared: Prepared): string {
  let hash = prepared.hashes.get(item);
  if (!hash) prepared.hashes.set(item, (hash = sourceHash({ platform: item.platform, externalId: item.externalId, ...sourceOf(item) })));
  return hash;
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

/** A held meeting and who attended it: what meetings.count_interactions counts (each contact once per meeting). */
interface Interaction {
  meetingId: string;
  contactIds: string[];
}

const interactionOf = (row: Meeting, people: { contactId: string | null; attendance: string }[]): Interaction | null =>
  held(row) ? { meetingId: row.id, contactIds: attendees(people) } : null;

interface Written {
  outcome: IngestOutcome;
  node: Meeting;
  interaction: Interaction | null;
}

async function writeMeeting(session: Session, item: MeetingItem, prepared: Prepared): Promise<Written> {
  const source = sourceOf(item);
  const hash = hashOf(item, prepared);
  const { participants: people, ...columns } = source;
  let existing = prepared.existing.get(itemKey(item.platform, item.externalId));
  if (!existing) {
    const [row] = await session.db
      .insert(meetings)
      .values({ ...columns, status: columns.status ?? 'scheduled', platform: item.platform, externalId: item.externalId, sourceHash: hash, workspaceId: session.identity.workspaceId!, createdBy: session.memberId })
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
      return { outcome: 'CREATED', node: row, interaction: interactionOf(row, rows) };
    }
    // Another call ingested the same meeting first and has committed: compare with what it wrote.
    [existing] = await session.db.select().from(meetings).where(and(eq(meetings.platform, item.platform), eq(meetings.externalId, item.externalId)));
    if (!existing) throw new Error('writeMeeting: a meeting that conflicted on insert is not visible');
    prepared.people.set(existing.id, await session.db.select().from(participants).where(eq(participants.meetingId, existing.id)).orderBy(participants.position));
  }
  const storedPeople = prepared.people.get(existing.id) ?? [];
  // Held as sent, but held since it was last counted: counted now (in finish), nothing written here.
  if (existing.sourceHash === hash) return { outcome: 'UNCHANGED', node: existing, interaction: interactionOf(existing, storedPeople) };
  const effective = { ...source, status: source.status ?? existing.status };
  const before = storedSource(existing, storedPeople);
  const changed = (Object.keys(effective) as (keyof Source)[]).filter((field) => sourceHash(effective[field]) !== sourceHash(before[field]));
  const [row] = await session.db.update(meetings).set({ ...columns, status: effective.status, sourceHash: hash }).where(eq(meetings.id, existing.id)).returning();
  if (!row) return refuseWrite(session, meetings, 'Meeting', existing.id);
  let current: { contactId: string | null; attendance: string }[] = storedPeople;
  if (changed.includes('participants')) {
    await session.db.delete(participants).where(eq(participants.meetingId, row.id));
    const rows = participantRows(session, item, source, row.id, prepared);
    if (rows.length) await session.db.insert(participants).values(rows);
    current = rows;
  }
  if (changed.length) {
    // A change of where it stands (scheduled, under way, over) follows the one before it.
    const cause = row.status !== existing.status ? await latestEventOf(session, ['meetings.meeting.ingested', 'meetings.meeting.updated'], row.id) : null;
    await appendEvent(session, { type: 'meetings.meeting.updated', entityId: row.id, payload: { changed, status: row.status }, links: cause ? [{ linkType: 'caused', refEventId: cause }] : [] });
  }
  return { outcome: changed.length ? 'UPDATED' : 'UNCHANGED', node: row, interaction: interactionOf(row, current) };
}

/** The stored meeting when the item is held exactly as sent and there is nothing to count: UNCHANGED without a statement. */
function unchanged(item: MeetingItem, prepared: Prepared): Meeting | null {
  const existing = prepared.existing.get(itemKey(item.platform, item.externalId));
  return existing && existing.sourceHash === hashOf(item, prepared) && (existing.interactionsRecordedAt || !held(existing)) ? existing : null;
}

/**
 * Moves the attendees' relationship strength for the held meetings this call wrote or saw held
 * for the first time: meetings.count_interactions counts each contact once per meeting, whoever
 * ingested it, however often it is sent again.
 */
async function countInteractions(session: Session, interactions: Interaction[]) {
  const pairs = interactions.flatMap((i) => (i.contactIds.length ? i.contactIds : [null]).map((contactId) => ({ meetingId: i.meetingId, contactId })));
  if (!pairs.length) return;
  const meetingIds = `{${pairs.map((p) => p.meetingId).join(',')}}`;
  const contactIds = `{${pairs.map((p) => p.contactId ?? 'NULL').join(',')}}`;
  await session.sql`select meetings.count_interactions(${meetingIds}::uuid[], ${contactIds}::uuid[], ${INTERACTION_WEIGHT})`;
}

/**
 * ingestMeetings: calendars and meeting platforms' way in. Idempotent on (workspace, platform,
 * external id): an item sent again unchanged is UNCHANGED (no event), a changed one is UPDATED,
 * its participants replaced when they changed. Participants are matched to contacts and members
 * by address; a held meeting (started, not canceled) moves each attendee's relationship strength
 * and last interaction once (a meeting ingested ahead of time counts when it is sent again after
 * it started; a newcomer when they are added).
 */
export function ingestMeetings(request: RequestSession, items: unknown, syncJobId: string | null | undefined) {
  const interactions: Interaction[] = [];
  return ingestBatch<MeetingItem, Meeting, Prepared>(request, items, syncJobId, {
    argument: 'items',
    maxItems: MAX_MEETINGS_PER_CALL,
    item: meetingItem,
    keyOf: (item) => itemKey(item.platform, item.externalId),
    inputFields: { timeRange: 'endTime' },
    prepare,
    unchanged,
    async write(session, item, prepared) {
      const { interaction, ...done } = await writeMeeting(session, item, prepared);
      if (interaction) interactions.push(interaction);
      return done;
    },
    finish: (session) => countInteractions(session, interactions),
  });
}
