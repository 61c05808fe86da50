import { sql } from 'drizzle-orm';
import { check, foreignKey, index, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, tenantPolicies, timestamps, workspaceId } from '@chief/db';
import { core } from './schema.ts';
import { workspaces } from './workspaces.ts';

/**
 * Partner API keys. Only a SHA-256 hash of the secret is stored; the secret is shown once, at
 * creation. The prefix is kept in clear so people can tell their keys apart.
 */
export const apiKeys = core.table(
  'api_keys',
  {
    id: id(),
    workspaceId: workspaceId(),
    name: text('name').notNull(),
    prefix: text('prefix').notNull(),
    keyHash: text('key_hash').notNull(),
    scopes: text('scopes').array().notNull(),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true, mode: 'date' }),
    revokedAt: timestamp('revoked_at', { withTimezone: true, mode: 'date' }),
    createdBy: uuid('created_by'),
    ...timestamps(),
  },
  (t) => [
    foreignKey({ name: 'fk_api_keys_workspace', columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    uniqueIndex('uq_api_keys_key_hash').on(t.keyHash),
    uniqueIndex('uq_api_keys_prefix').on(t.prefix),
    index('ix_api_keys_workspace_created').on(t.workspaceId, t.createdAt.desc(), t.id.desc()),
    check('ck_api_keys_name', sql`char_length(btrim(${t.name})) between 1 and 100`),
    check('ck_api_keys_scopes', sql`cardinality(${t.scopes}) > 0 and ${t.scopes} <@ array['read', 'write']::text[]`),
    ...tenantPolicies('api_keys', t.workspaceId, { write: 'admin', read: 'admin', createdBy: t.createdBy }),
  ],
);
