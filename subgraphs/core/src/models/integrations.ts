import { sql } from 'drizzle-orm';
import { customType, foreignKey, index, integer, jsonb, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { id, tenantPolicies, timestamps, workspaceId } from '@chief/db';
import { core, integrationPlatform, integrationStatus } from './schema.ts';
import { workspaces } from './workspaces.ts';

const bytea = customType<{ data: Buffer }>({ dataType: () => 'bytea' });

/**
 * A connection to an external platform. Credentials are encrypted by the application
 * (AES-256-GCM) before they reach the database and are never returned through the API.
 */
export const integrations = core.table(
  'integrations',
  {
    id: id(),
    workspaceId: workspaceId(),
    founderId: uuid('founder_id'),
    platform: integrationPlatform('platform').notNull(),
    status: integrationStatus('status').notNull().default('pending'),
    scopes: text('scopes').array().notNull().default(sql`'{}'::text[]`),
    /** iv (12 bytes) | auth tag (16 bytes) | ciphertext. */
    credentialsEnc: bytea('credentials_enc'),
    /** Which configured key encrypted the credentials, for rotation. */
    credentialsKeyVersion: integer('credentials_key_version'),
    lastSyncAt: timestamp('last_sync_at', { withTimezone: true, mode: 'date' }),
    errorMessage: text('error_message'),
    settings: jsonb('settings').$type<Record<string, unknown>>().notNull().default({}),
    createdBy: uuid('created_by'),
    ...timestamps(),
  },
  (t) => [
    foreignKey({ name: 'fk_integrations_workspace', columns: [t.workspaceId], foreignColumns: [workspaces.id] }).onDelete('cascade'),
    unique('uq_integrations_workspace_id').on(t.workspaceId, t.id),
    unique('uq_integrations_workspace_founder_platform').on(t.workspaceId, t.founderId, t.platform).nullsNotDistinct(),
    index('ix_integrations_workspace_created').on(t.workspaceId, t.createdAt.desc(), t.id.desc()),
    // Credentials live here: partner API keys read integrations but never connect or change them.
    ...tenantPolicies('integrations', t.workspaceId, { write: 'own', ownerColumns: [t.createdBy], createdBy: t.createdBy, keysWrite: false }),
  ],
);
