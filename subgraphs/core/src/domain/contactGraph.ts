import { and, desc, eq, or, sql } from 'drizzle-orm';
import { z } from 'zod';
import {
  anyUuid, appendEvent, badUserInput, groupByKey, listPage, parseId, parseInput, refuseWrite, requireRole, withSession,
  type LoaderRegistry, type Page, type RequestSession, type Session,
} from '@chief/runtime';
import { contactInterests, contactRelationships, contacts, interestSource, relationshipType, type InterestEvidence } from '../models/index.ts';

type Scope = { session: RequestSession; loaders: LoaderRegistry };
type Relationship = typeof contactRelationships.$inferSelect;
type Interest = typeof contactInterests.$inferSelect;

/**
 * Relationship strength halves every 30 days without interaction (README: "The contact graph").
 * The database's core.decayed_strength is the same formula; goingCold filters with it.
 */
export const STRENGTH_HALF_LIFE_DAYS = 30;

/** What a contact's stored strength (as of its last interaction) has decayed to at `at`. */
export function decayedStrength(strength: number, lastInteractionAt: Date | null, at = new Date()): number {
  if (!lastInteractionAt || at <= lastInteractionAt) return strength;
  const days = (at.getTime() - lastInteractionAt.getTime()) / 86_400_000;
  return Math.round(strength * 0.5 ** (days / STRENGTH_HALF_LIFE_DAYS) * 10_000) / 10_000;
}

/** The threshold below which a once-warm contact is going cold, unless the query names another. */
export const GOING_COLD_BELOW = 0.3;

/**
 * Contacts that were at least `below` strong at their last interaction and have decayed under it
 * since: the ones to get back in touch with, most recently warm first.
 */
export function listGoingCold(session: Session, page: Page, below: number) {
  if (!(below > 0 && below <= 1)) throw badUserInput('below', 'below must be greater than 0 and at most 1');
  const where = and(
    eq(contacts.isArchived, false),
    sql`${contacts.relationshipStrength} >= ${below}`,
    sql`core.decayed_strength(${contacts.relationshipStrength}, ${contacts.lastInteractionAt}, now()) < ${below}`,
  );
  return listPage(session.db, contacts, where, page);
}

const strength = z.number().min(0, 'must be from 0 to 1').max(1, 'must be from 0 to 1');

const relateInput = z.object({
  contactId: z.uuid('must be an id'),
  otherContactId: z.uuid('must be an id'),
  type: z.enum(relationshipType.enumValues),
  strength: strength.nullish(),
});

/** The pair in stored order (a < b), so one relationship is one row whichever way it is named. */
const ordered = (x: string, y: string) => (x < y ? [x, y] : [y, x]) as [string, string];

/**
 * Relates two contacts, or changes how they are related if they already are (one row per pair,
 * whichever way round it is named).
 */
export async function relateContacts(request: RequestSession, rawInput: unknown) {
  const input = parseInput(relateInput, rawInput);
  if (input.contactId.toLowerCase() === input.otherContactId.toLowerCase()) throw badUserInput('input.otherContactId', 'input.otherContactId: a contact is not related to itself');
  const [a, b] = ordered(input.contactId.toLowerCase(), input.otherContactId.toLowerCase());
  return request.mutate(async (session) => {
    requireRole(session, 'member');
    const [existing] = await session.db.select().from(contactRelationships).where(and(eq(contactRelationships.contactAId, a), eq(contactRelationships.contactBId, b)));
    if (existing) {
      const changes = { type: input.type, ...(input.strength != null ? { strength: input.strength.toFixed(2) } : {}) };
      const changed = Object.entries(changes).filter(([k, v]) => existing[k as keyof Relationship] !== v).map(([k]) => k);
      if (!changed.length) return existing;
      const [row] = await session.db.update(contactRelationships).set(changes).where(eq(contactRelationships.id, existing.id)).returning();
      if (!row) return refuseWrite(session, contactRelationships, 'ContactRelationship', existing.id);
      await appendEvent(session, { type: 'core.contact_relationship.updated', entityId: row.id, payload: { changed } });
      return row;
    }
    const [row] = await session.db
      .insert(contactRelationships)
      .values({ workspaceId: session.identity.workspaceId!, contactAId: a, contactBId: b, type: input.type, strength: (input.strength ?? 0.5).toFixed(2), createdBy: session.memberId })
      .returning();
    await appendEvent(session, {
      type: 'core.contact_relationship.created', entityId: row!.id, payload: { type: row!.type, contactIds: [a, b] },
      links: [a, b].map((id) => ({ linkType: 'references' as const, entityType: 'contact', entityId: id })),
    });
    return row!;
  });
}

export async function unrelateContacts(request: RequestSession, rawId: unknown) {
  const id = parseId(rawId);
  return request.mutate(async (session) => {
    requireRole(session, 'member');
    const [row] = await session.db.delete(contactRelationships).where(eq(contactRelationships.id, id)).returning();
    if (!row) return refuseWrite(session, contactRelationships, 'ContactRelationship', id);
    await appendEvent(session, { type: 'core.contact_relationship.deleted', entityId: id, payload: { type: row.type, contactIds: [row.contactAId, row.contactBId] } });
    return id;
  });
}

/** A contact's relationships, strongest first (at most `first`), batched across every contact in the request. */
export function relationshipsOf(scope: Scope, contactId: string, first: number): Promise<Relationship[]> {
  return scope.loaders
    .get<string, Relationship[]>(`core.contact_relationships:byContact:${first}`, (ids) =>
      withSession(scope, async ({ db }) => {
        const rows = await db
          .select()
          .from(contactRelationships)
          .where(or(anyUuid(contactRelationships.contactAId, ids), anyUuid(contactRelationships.contactBId, ids)))
          .orderBy(desc(contactRelationships.strength), desc(contactRelationships.createdAt));
        // A row belongs to both of its contacts' lists.
        const asked = new Set(ids);
        const pairs = rows.flatMap((row) => [row.contactAId, row.contactBId].filter((id) => asked.has(id)).map((id) => ({ id, row })));
        return groupByKey(ids, pairs, (p) => p.id).map((group) => group.slice(0, first).map((p) => p.row));
      }),
    )
    .load(contactId);
}

const MAX_EVIDENCE_KEPT = 20;

const interestInput = z.object({
  contactId: z.uuid('must be an id'),
  category: z.string().trim().min(1, 'must not be empty').max(100),
  topic: z.string().trim().min(1, 'must not be empty').max(255),
  confidence: strength,
  evidence: z.object({ source: z.enum(interestSource.enumValues), id: z.uuid('must be an id').nullish() }).refine((e) => (e.source === 'manual') === !e.id, {
    message: 'id is required for a communication or meeting, and only for them',
    path: ['id'],
  }),
});

/**
 * Records an interest, or reinforces the one the contact already has in the same category and
 * topic: one more piece of evidence, confidence moved halfway toward the new reading (never
 * above 1), and the latest 20 pieces of evidence kept.
 */
export async function recordContactInterest(request: RequestSession, rawInput: unknown) {
  const input = parseInput(interestInput, rawInput);
  const evidence: InterestEvidence = { source: input.evidence.source, id: input.evidence.id ?? null, at: new Date().toISOString() };
  return request.mutate(async (session) => {
    requireRole(session, 'member');
    const [existing] = await session.db
      .select()
      .from(contactInterests)
      .where(and(eq(contactInterests.contactId, input.contactId), sql`lower(${contactInterests.category}) = lower(${input.category})`, sql`lower(${contactInterests.topic}) = lower(${input.topic})`));
    if (existing) {
      const confidence = Math.min(1, (Number(existing.confidence) + input.confidence) / 2 + 0.05);
      const [row] = await session.db
        .update(contactInterests)
        .set({
          confidence: confidence.toFixed(2),
          evidenceCount: existing.evidenceCount + 1,
          evidence: [evidence, ...existing.evidence].slice(0, MAX_EVIDENCE_KEPT),
          lastReinforcedAt: new Date(),
        })
        .where(eq(contactInterests.id, existing.id))
        .returning();
      if (!row) return refuseWrite(session, contactInterests, 'ContactInterest', existing.id);
      await appendEvent(session, { type: 'core.contact_interest.reinforced', entityId: row.id, payload: { contactId: row.contactId, confidence: Number(row.confidence), evidenceCount: row.evidenceCount } });
      return row;
    }
    const [row] = await session.db
      .insert(contactInterests)
      .values({
        workspaceId: session.identity.workspaceId!, contactId: input.contactId, category: input.category, topic: input.topic,
        confidence: input.confidence.toFixed(2), evidence: [evidence], createdBy: session.memberId,
      })
      .returning();
    await appendEvent(session, {
      type: 'core.contact_interest.created', entityId: row!.id,
      payload: { contactId: row!.contactId, category: row!.category, topic: row!.topic, confidence: Number(row!.confidence) },
      links: [
        { linkType: 'references', entityType: 'contact', entityId: row!.contactId },
        ...(evidence.id ? [{ linkType: 'derived_from' as const, entityType: evidence.source, entityId: evidence.id }] : []),
      ],
    });
    return row!;
  });
}

export async function removeContactInterest(request: RequestSession, rawId: unknown) {
  const id = parseId(rawId);
  return request.mutate(async (session) => {
    requireRole(session, 'member');
    const [row] = await session.db.delete(contactInterests).where(eq(contactInterests.id, id)).returning();
    if (!row) return refuseWrite(session, contactInterests, 'ContactInterest', id);
    await appendEvent(session, { type: 'core.contact_interest.deleted', entityId: id, payload: { contactId: row.contactId, category: row.category, topic: row.topic } });
    return id;
  });
}

/** A contact's interests, most confident first (at most `first`), batched across every contact in the request. */
export function interestsOf(scope: Scope, contactId: string, first: number): Promise<Interest[]> {
  return scope.loaders
    .get<string, Interest[]>(`core.contact_interests:byContact:${first}`, (ids) =>
      withSession(scope, async ({ db }) => {
        const rows = await db.select().from(contactInterests).where(anyUuid(contactInterests.contactId, ids)).orderBy(desc(contactInterests.confidence), desc(contactInterests.lastReinforcedAt));
        return groupByKey(ids, rows, (row) => row.contactId).map((group) => group.slice(0, first));
      }),
    )
    .load(contactId);
}

