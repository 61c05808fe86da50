import { sql } from 'drizzle-orm';
import { check, foreignKey, index, integer, jsonb, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { id, tenantPolicies, timestamps, workspaceId } from '@chief/db';
import { core, syncJobStatus, syncJobType } from './schema.ts';
import { integrations } from './integrations.ts';

/** What went wrong in a sync, as the connector reports it. */
export interface SyncJobError {
  message: string;
  details?: Record<string, unknown>;
}

/**
 * One run of an integration's sync (seed 003's sync_jobs): its status, what it has seen, written
 * and failed so far (ingestion calls that name it move these), and the connector's resume cursor.
 */
export const syncJobs = core.table(
  'sync_jobs',
  {
    id: id(),
    workspaceId: workspaceId(),
    integrationId: uuid('integration_id').notNull(),
    jobType: syncJobType('job_type').notNull(),
    status: syncJobStatus('status').notNull().default('running'),
    itemsTotal: integer('items_total'),
    itemsSeen: integer('items_seen').notNull().default(0),
    itemsWritten: integer('items_written').notNull().default(0),
    itemsFailed: integer('items_failed').notNull().default(0),
    /** Opaque to Chief: where the connector continues (a page token, a history id). */
    cursor: text('cursor'),
    error: jsonb('error').$type<SyncJobError>(),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
    createdBy: uuid('created_by'),
    ...timestamps(),
  },
  (t) => [
    foreignKey({ name: 'fk_sync_jobs_integration', columns: [t.workspaceId, t.integrationId], foreignColumns: [integrations.workspaceId, integrations.id] }).onDelete('cascade'),
    index('ix_sync_jobs_workspace_created').on(t.workspaceId, t.createdAt.desc(), t.id.desc()),
    index('ix_sync_jobs_workspace_integration').on(t.workspaceId, t.integrationId, t.createdAt.desc()),
    check('ck_sync_jobs_counts', sql`${t.itemsSeen} >= 0 and ${t.itemsWritten} >= 0 and ${t.itemsFailed} >= 0 and ${t.itemsWritten} + ${t.itemsFailed} <= ${t.itemsSeen}`),
    check('ck_sync_jobs_items_total', sql`${t.itemsTotal} is null or ${t.itemsTotal} >= 0`),
    // Finished exactly when it has ended; a failed job says why.
    check('ck_sync_jobs_finished_at', sql`(${t.status} in ('completed', 'failed', 'cancelled')) = (${t.finishedAt} is not null)`),
    check('ck_sync_jobs_error', sql`${t.status} <> 'failed' or ${t.error} is not null`),
    check('ck_sync_jobs_cursor', sql`${t.cursor} is null or char_length(${t.cursor}) <= 2000`),
    ...tenantPolicies('sync_jobs', t.workspaceId, { write: 'own', ownerColumns: [t.createdBy], createdBy: t.createdBy }),
  ],
);
