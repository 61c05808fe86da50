import { sql } from 'drizzle-orm';
import { check, foreignKey, index, integer, jsonb, numeric, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, tenantPolicies, timestamps, workspaceId } from '@chief/db';
import { core } from './schema.ts';
import { contacts } from './contacts.ts';

/** What shows an interest: a communication or meeting (by id, owned by its subgraph), or a person's word. */
export interface InterestEvidence {
  source: 'communication' | 'meeting' | 'manual';
  id: string | null;
  at: string;
}

/**
 * Topics a contact cares about (seed 003's interests), one row per contact, category and topic;
 * each new piece of evidence reinforces it. `evidence` keeps the latest 20 (the count keeps all).
 */
export const contactInterests = core.table(
  'contact_interests',
  {
    id: id(),
    workspaceId: workspaceId(),
    contactId: uuid('contact_id').notNull(),
    category: text('category').notNull(),
    topic: text('topic').notNull(),
    /** 0..1. */
    confidence: numeric('confidence', { precision: 3, scale: 2 }).notNull(),
    evidenceCount: integer('evidence_count').notNull().default(1),
    evidence: jsonb('evidence').$type<InterestEvidence[]>().notNull().default([]),
    firstDetectedAt: timestamp('first_detected_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    lastReinforcedAt: timestamp('last_reinforced_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    createdBy: uuid('created_by'),
    ...timestamps(),
  },
  (t) => [
    foreignKey({ name: 'fk_contact_interests_contact', columns: [t.workspaceId, t.contactId], foreignColumns: [contacts.workspaceId, contacts.id] }).onDelete('cascade'),
    uniqueIndex('uq_contact_interests_topic').on(t.workspaceId, t.contactId, sql`lower(${t.category})`, sql`lower(${t.topic})`),
    index('ix_contact_interests_workspace_created').on(t.workspaceId, t.createdAt.desc(), t.id.desc()),
    check('ck_contact_interests_confidence', sql`${t.confidence} between 0 and 1`),
    check('ck_contact_interests_evidence_count', sql`${t.evidenceCount} >= 1`),
    check('ck_contact_interests_category', sql`char_length(btrim(${t.category})) between 1 and 100`),
    check('ck_contact_interests_topic', sql`char_length(btrim(${t.topic})) between 1 and 255`),
    check('ck_contact_interests_evidence', sql`jsonb_typeof(${t.evidence}) = 'array' and jsonb_array_length(${t.evidence}) <= 20`),
    ...tenantPolicies('contact_interests', t.workspaceId, { write: 'own', ownerColumns: [t.createdBy], createdBy: t.createdBy }),
  ],
);
