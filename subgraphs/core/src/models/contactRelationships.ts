import { sql } from 'drizzle-orm';
import { check, foreignKey, index, integer, numeric, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, tenantPolicies, timestamps, workspaceId } from '@chief/db';
import { core, relationshipType } from './schema.ts';
import { contacts } from './contacts.ts';

/**
 * How two contacts know each other (seed 003's relationships). Symmetric and stored once: the
 * pair is ordered (contact_a_id < contact_b_id), so Ada-Bob and Bob-Ada are the same row.
 */
export const contactRelationships = core.table(
  'contact_relationships',
  {
    id: id(),
    workspaceId: workspaceId(),
    contactAId: uuid('contact_a_id').notNull(),
    contactBId: uuid('contact_b_id').notNull(),
    type: relationshipType('type').notNull(),
    /** 0..1: how close the two are, as the caller (or a pipeline) judges it. */
    strength: numeric('strength', { precision: 3, scale: 2 }).notNull().default('0.5'),
    /** Communications and meetings both took part in. */
    sharedInteractions: integer('shared_interactions').notNull().default(0),
    createdBy: uuid('created_by'),
    ...timestamps(),
  },
  (t) => [
    foreignKey({ name: 'fk_contact_relationships_contact_a', columns: [t.workspaceId, t.contactAId], foreignColumns: [contacts.workspaceId, contacts.id] }).onDelete('cascade'),
    foreignKey({ name: 'fk_contact_relationships_contact_b', columns: [t.workspaceId, t.contactBId], foreignColumns: [contacts.workspaceId, contacts.id] }).onDelete('cascade'),
    uniqueIndex('uq_contact_relationships_pair').on(t.workspaceId, t.contactAId, t.contactBId),
    index('ix_contact_relationships_workspace_created').on(t.workspaceId, t.createdAt.desc(), t.id.desc()),
    index('ix_contact_relationships_contact_b').on(t.workspaceId, t.contactBId),
    check('ck_contact_relationships_pair', sql`${t.contactAId} < ${t.contactBId}`),
    check('ck_contact_relationships_strength', sql`${t.strength} between 0 and 1`),
    check('ck_contact_relationships_shared_interactions', sql`${t.sharedInteractions} >= 0`),
    ...tenantPolicies('contact_relationships', t.workspaceId, { write: 'own', ownerColumns: [t.createdBy], createdBy: t.createdBy }),
  ],
);
