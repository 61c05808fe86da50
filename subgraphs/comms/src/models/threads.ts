import { sql } from 'drizzle-orm';
import { check, index, text, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, tenantPolicies, timestamps, workspaceId } from '@chief/db';
import { comms, commsPlatform } from './schema.ts';

/**
 * A conversation on one platform (an email thread, a Slack thread or channel), by the platform's
 * own id. Its count and latest message are read from its communications, never kept twice.
 */
export const threads = comms.table(
  'threads',
  {
    id: id(),
    workspaceId: workspaceId(),
    founderId: uuid('founder_id'),
    platform: commsPlatform('platform').notNull(),
    externalId: text('external_id').notNull(),
    subject: text('subject'),
    createdBy: uuid('created_by'),
    ...timestamps(),
  },
  (t) => [
    unique('uq_threads_workspace_id').on(t.workspaceId, t.id),
    uniqueIndex('uq_threads_workspace_platform_external').on(t.workspaceId, t.platform, t.externalId),
    index('ix_threads_workspace_created').on(t.workspaceId, t.createdAt.desc(), t.id.desc()),
    check('ck_threads_external_id', sql`char_length(${t.externalId}) between 1 and 500`),
    check('ck_threads_subject', sql`${t.subject} is null or char_length(${t.subject}) <= 1000`),
    ...tenantPolicies('threads', t.workspaceId, { write: 'own', ownerColumns: [t.createdBy], createdBy: t.createdBy }),
  ],
);
