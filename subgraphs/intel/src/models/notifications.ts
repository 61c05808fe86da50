import { sql } from 'drizzle-orm';
import { check, index, jsonb, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, tenantPolicies, timestamps, workspaceId } from '@chief/db';
import { intel, notificationChannel, notificationKind, notificationPriority, sourceType } from './schema.ts';

/**
 * A nudge or alert (going cold, follow up, task due, budget warning, ...) for a member or for the
 * whole workspace, on a channel, with its read, snooze and dismiss state. `dedup_key` is what makes
 * two raisings the same nudge: unique per workspace, so the same nudge is never raised twice.
 */
export const notifications = intel.table(
  'notifications',
  {
    id: id(),
    workspaceId: workspaceId(),
    recipientMemberId: uuid('recipient_member_id'),
    founderId: uuid('founder_id'),
    kind: notificationKind('kind').notNull(),
    channel: notificationChannel('channel').notNull().default('in_app'),
    priority: notificationPriority('priority').notNull().default('medium'),
    title: text('title').notNull(),
    message: text('message').notNull(),
    actionUrl: text('action_url'),
    subjectType: sourceType('subject_type'),
    subjectId: uuid('subject_id'),
    dedupKey: text('dedup_key').notNull(),
    metadata: jsonb('metadata').$type<Record<string, unknown>>().notNull().default({}),
    readAt: timestamp('read_at', { withTimezone: true, mode: 'date' }),
    snoozedUntil: timestamp('snoozed_until', { withTimezone: true, mode: 'date' }),
    dismissedAt: timestamp('dismissed_at', { withTimezone: true, mode: 'date' }),
    createdBy: uuid('created_by'),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('uq_notifications_dedup').on(t.workspaceId, t.dedupKey),
    index('ix_notifications_workspace_created').on(t.workspaceId, t.createdAt.desc(), t.id.desc()),
    index('ix_notifications_recipient_unread').on(t.workspaceId, t.recipientMemberId, t.createdAt.desc()).where(sql`${t.readAt} is null and ${t.dismissedAt} is null`),
    check('ck_notifications_title', sql`char_length(btrim(${t.title})) between 1 and 300`),
    check('ck_notifications_message', sql`char_length(${t.message}) between 1 and 5000`),
    check('ck_notifications_action_url', sql`${t.actionUrl} is null or (char_length(${t.actionUrl}) <= 2000 and ${t.actionUrl} ~ '^(https?://|/)')`),
    check('ck_notifications_subject', sql`(${t.subjectType} is null) = (${t.subjectId} is null)`),
    check('ck_notifications_dedup_key', sql`char_length(${t.dedupKey}) between 1 and 300`),
    check('ck_notifications_metadata', sql`jsonb_typeof(${t.metadata}) = 'object' and octet_length(${t.metadata}::text) <= 10000`),
    // Its recipient may read, snooze and dismiss it; so may the founder it is about.
    ...tenantPolicies('notifications', t.workspaceId, {
      write: 'own', ownerColumns: [t.createdBy, t.recipientMemberId], createdBy: t.createdBy, ownedWhen: sql`${t.founderId} in (select auth.caller_founder_ids())`,
    }),
  ],
);
