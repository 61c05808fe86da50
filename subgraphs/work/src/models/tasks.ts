import { sql } from 'drizzle-orm';
import { check, index, text, timestamp, uniqueIndex, uuid, unique } from 'drizzle-orm/pg-core';
import { id, tenantPolicies, timestamps, workspaceId } from '@chief/db';
import { taskPriority, taskSource, taskStatus, work } from './schema.ts';

/**
 * Action items. References into core (founder, assignee, contact, deal, creator) are
 * tenant-consistent foreign keys declared in the hand-written migration, so a task can only
 * name rows of its own workspace.
 */
export const tasks = work.table(
  'tasks',
  {
    id: id(),
    workspaceId: workspaceId(),
    title: text('title').notNull(),
    description: text('description'),
    status: taskStatus('status').notNull().default('todo'),
    priority: taskPriority('priority').notNull().default('medium'),
    dueAt: timestamp('due_at', { withTimezone: true, mode: 'date' }),
    completedAt: timestamp('completed_at', { withTimezone: true, mode: 'date' }),
    founderId: uuid('founder_id'),
    assigneeMemberId: uuid('assignee_member_id'),
    contactId: uuid('contact_id'),
    dealId: uuid('deal_id'),
    /** Where the task came from: typed so later domains (meetings, comms, intel) can point here. */
    sourceType: taskSource('source_type').notNull().default('manual'),
    sourceId: uuid('source_id'),
    createdBy: uuid('created_by'),
    ...timestamps(),
  },
  (t) => [
    unique('uq_tasks_workspace_id').on(t.workspaceId, t.id),
    index('ix_tasks_workspace_created').on(t.workspaceId, t.createdAt.desc(), t.id.desc()),
    index('ix_tasks_workspace_assignee').on(t.workspaceId, t.assigneeMemberId),
    index('ix_tasks_workspace_founder').on(t.workspaceId, t.founderId),
    index('ix_tasks_workspace_contact').on(t.workspaceId, t.contactId),
    index('ix_tasks_workspace_deal').on(t.workspaceId, t.dealId),
    index('ix_tasks_active').on(t.workspaceId, t.status, t.dueAt).where(sql`${t.status} in ('todo', 'in_progress')`),
    check('ck_tasks_title', sql`char_length(btrim(${t.title})) between 1 and 500`),
    // The seed's rule: completed_at is set exactly when the task is done.
    check('ck_tasks_completed_at', sql`(${t.status} = 'done') = (${t.completedAt} is not null)`),
    check('ck_tasks_source_id', sql`(${t.sourceType} = 'manual') = (${t.sourceId} is null)`),
    ...tenantPolicies('tasks', t.workspaceId, { write: 'own', ownerColumns: [t.createdBy, t.assigneeMemberId], createdBy: t.createdBy }),
  ],
);
