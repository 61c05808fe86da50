import { sql } from 'drizzle-orm';
import { foreignKey, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, tenantPolicies, timestamps, workspaceId } from '@chief/db';
import { syncState, trackerPlatform, work } from './schema.ts';
import { tasks } from './tasks.ts';

/** A task mirrored in an external tracker (Monday, Linear...), at most once per tracker, with its sync state. */
export const taskLinks = work.table(
  'task_links',
  {
    id: id(),
    workspaceId: workspaceId(),
    taskId: uuid('task_id').notNull(),
    platform: trackerPlatform('platform').notNull(),
    externalId: text('external_id').notNull(),
    url: text('url'),
    syncState: syncState('sync_state').notNull().default('pending'),
    lastSyncedAt: timestamp('last_synced_at', { withTimezone: true, mode: 'date' }),
    syncError: text('sync_error'),
    createdBy: uuid('created_by'),
    ...timestamps(),
  },
  (t) => [
    foreignKey({ name: 'fk_task_links_task', columns: [t.workspaceId, t.taskId], foreignColumns: [tasks.workspaceId, tasks.id] }).onDelete('cascade'),
    uniqueIndex('uq_task_links_workspace_platform_external').on(t.workspaceId, t.platform, t.externalId),
    // One mirror per tracker: it also bounds Task.links, which the gateway's cost measure counts as 8.
    uniqueIndex('uq_task_links_workspace_task_platform').on(t.workspaceId, t.taskId, t.platform),
    ...tenantPolicies('task_links', t.workspaceId, { write: 'own', ownerColumns: [t.createdBy], createdBy: t.createdBy }),
  ],
);
