import { sql } from 'drizzle-orm';
import { boolean, check, foreignKey, index, numeric, text, timestamp, uniqueIndex, uuid, unique } from 'drizzle-orm/pg-core';
import { id, searchIndexColumns, searchIndexRules, searchTerms, weightedWords, tenantPolicies, timestamps, workspaceId } from '@chief/db';
import { core } from './schema.ts';
import { workspaces } from './workspaces.ts';

/**
 * People in the founders' network. `founder_id` and `created_by` point into the same workspace
 * through tenant-consistent foreign keys declared in the hand-written migration.
 */
export const contacts = core.table(
  'contacts',
  {
    id: id(),
    workspaceId: workspaceId(),
    founderId: uuid('founder_id'),
    fullName: text('full_name').notNull(),
    email: text('email'),
    phone: text('phone'),
    company: text('company'),
    jobTitle: text('job_title'),
    linkedinUrl: text('linkedin_url'),
    location: text('location'),
    bio: text('bio'),
    notes: text('notes'),
    tags: text('tags').array().notNull().default(sql`'{}'::text[]`),
    /** Chat handles that identify the contact on a platform, as `platform:handle` (e.g. `slack:U024BE7LH`); ingestion matches senders by them. */
    handles: text('handles').array().notNull().default(sql`'{}'::text[]`),
    /** 0..1 as of last_interaction_at; what it has decayed to since is core.decayed_strength (README). */
    relationshipStrength: numeric('relationship_strength', { precision: 3, scale: 2 }).notNull().default('0'),
    lastInteractionAt: timestamp('last_interaction_at', { withTimezone: true, mode: 'date' }),
    /** Where the contact came from: 'manual' or an integration platform. */
    source: text('source').notNull().default('manual'),
    externalId: text('external_id'),
    isArchived: boolean('is_archived').notNull().default(false),
    ...searchIndexColumns(),
    searchTerms: searchTerms(weightedWords({ A: ['"full_name"'], B: ['"job_title"', '"company"'], C: ['"location"', 'core.search_words("tags")', '"bio"', '"notes"'] })),
    createdBy: uuid('created_by'),
    ...timestamps(),
  },
  (t) => [
    foreignKey({ name: 'fk_contacts_workspace', columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    unique('uq_contacts_workspace_id').on(t.workspaceId, t.id),
    uniqueIndex('uq_contacts_workspace_email').on(t.workspaceId, sql`lower(${t.email})`).where(sql`${t.email} is not null`),
    uniqueIndex('uq_contacts_workspace_source_external').on(t.workspaceId, t.source, t.externalId).where(sql`${t.externalId} is not null`),
    index('ix_contacts_workspace_created').on(t.workspaceId, t.createdAt.desc(), t.id.desc()),
    index('ix_contacts_workspace_company').on(t.workspaceId, t.company),
    index('ix_contacts_tags').using('gin', t.tags),
    index('ix_contacts_handles').using('gin', t.handles),
    index('ix_contacts_embedding').using('hnsw', t.embedding.op('vector_cosine_ops')),
    ...searchIndexRules('contacts', t),
    check('ck_contacts_full_name', sql`char_length(btrim(${t.fullName})) between 1 and 200`),
    check('ck_contacts_email', sql`${t.email} is null or ${t.email} ~ '^[^@[:space:]]+@[^@[:space:]]+\\.[^@[:space:]]+$'`),
    check('ck_contacts_relationship_strength', sql`${t.relationshipStrength} between 0 and 1`),
    ...tenantPolicies('contacts', t.workspaceId, { write: 'own', ownerColumns: [t.createdBy], createdBy: t.createdBy }),
  ],
);
