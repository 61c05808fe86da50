import { createHash } from 'node:crypto';
import { and, eq, inArray, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import {
  appendEvent, badUserInput, listPage, parseId, parseInput, refuseWrite, requireRole, type Page, type RequestSession, type Session,
} from '@chief/runtime';
import { notificationChannel, notificationKind, notificationPriority, notifications } from '../models/index.ts';
import { refuseMissingSources, sourceRefInput } from './sourceRefs.ts';

export type Notification = typeof notifications.$inferSelect;

const raiseInput = z.object({
  kind: z.enum(notificationKind.enumValues),
  title: z.string().trim().min(1, 'must not be empty').max(300),
  message: z.string().trim().min(1, 'must not be empty').max(5000),
  channel: z.enum(notificationChannel.enumValues).nullish(),
  priority: z.enum(notificationPriority.enumValues).nullish(),
  recipientId: z.uuid('must be an id').nullish(),
  founderId: z.uuid('must be an id').nullish(),
  subject: sourceRefInput.nullish(),
  actionUrl: z.string().max(2000).regex(/^(https?:\/\/|\/)/, 'must be an http(s) URL or a path').nullish(),
  dedupKey: z.string().trim().min(1, 'must not be empty').max(200).nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
});

type RaiseInput = z.infer<typeof raiseInput>;

/**
 * What makes two raisings the same nudge. Given a key, the kind and that key; otherwise the kind,
 * whom it is for and what it is about (its subject, or without one its title): "Ada is going
 * cold" raised again for the same member is the same nudge, whoever raises it.
 */
function dedupKeyOf(input: RaiseInput): string {
  if (input.dedupKey) return `${input.kind}:${input.dedupKey}`;
  const about = input.subject ? `${input.subject.type}:${input.subject.id}` : `title:${input.title}`;
  const digest = createHash('sha256').update(JSON.stringify([input.recipientId ?? null, input.founderId ?? null, about])).digest('hex').slice(0, 32);
  return `${input.kind}:auto:${digest}`;
}

/**
 * Raises a notification once: a second raising of the same nudge (dedupKeyOf) returns the first,
 * as it is now (read, snoozed or dismissed), writes nothing and appends no event.
 */
export async function raiseNotification(request: RequestSession, rawInput: unknown): Promise<{ notification: Notification; created: boolean }> {
  const input = parseInput(raiseInput, rawInput);
  if (input.metadata && JSON.stringify(input.metadata).length > 10_000) throw badUserInput('input.metadata', 'input.metadata must be at most 10,000 characters as JSON');
  const dedupKey = dedupKeyOf(input);
  return request.mutate(async (session) => {
    requireRole(session, 'member');
    if (input.subject) await refuseMissingSources(session, [{ ref: input.subject, field: 'input.subject.id' }]);
    const [row] = await session.db
      .insert(notifications)
      .values({
        workspaceId: session.identity.workspaceId!,
        recipientMemberId: input.recipientId ?? null,
        founderId: input.founderId ?? null,
        kind: input.kind,
        channel: input.channel ?? 'in_app',
        priority: input.priority ?? 'medium',
        title: input.title,
        message: input.message,
        actionUrl: input.actionUrl ?? null,
        subjectType: input.subject?.type ?? null,
        subjectId: input.subject?.id ?? null,
        dedupKey,
        metadata: input.metadata ?? {},
        createdBy: session.memberId,
      })
      .onConflictDoNothing({ target: [notifications.workspaceId, notifications.dedupKey] })
      .returning();
    if (!row) {
      const [existing] = await session.db.select().from(notifications).where(eq(notifications.dedupKey, dedupKey));
      return { notification: existing!, created: false };
    }
    await appendEvent(session, {
      type: 'intel.notification.created', entityId: row.id,
      payload: { kind: row.kind, channel: row.channel, priority: row.priority, recipientId: row.recipientMemberId, dedupKey },
      links: input.subject ? [{ linkType: 'references', entityType: input.subject.type, entityId: input.subject.id }] : [],
    });
    return { notification: row, created: true };
  });
}

/** One change of what the recipient did with a notification; a change that is already so writes nothing. */
async function changeState(request: RequestSession, rawId: unknown, next: (row: Notification) => Partial<Notification>): Promise<Notification> {
  const notificationId = parseId(rawId);
  return request.mutate(async (session) => {
    requireRole(session, 'member');
    const [current] = await session.db.select().from(notifications).where(eq(notifications.id, notificationId));
    if (!current) return refuseWrite(session, notifications, 'Notification', notificationId);
    const values = next(current);
    const changed = (Object.keys(values) as (keyof Notification)[]).filter((k) => String(values[k] ?? null) !== String(current[k] ?? null));
    if (!changed.length) return current;
    const [row] = await session.db.update(notifications).set(values).where(eq(notifications.id, notificationId)).returning();
    if (!row) return refuseWrite(session, notifications, 'Notification', notificationId);
    await appendEvent(session, { type: 'intel.notification.updated', entityId: notificationId, payload: { changed } });
    return row;
  });
}

export const markNotificationRead = (request: RequestSession, id: unknown) => changeState(request, id, (row) => ({ readAt: row.readAt ?? new Date() }));
export const markNotificationUnread = (request: RequestSession, id: unknown) => changeState(request, id, () => ({ readAt: null }));
export const dismissNotification = (request: RequestSession, id: unknown) => changeState(request, id, (row) => ({ dismissedAt: row.dismissedAt ?? new Date() }));

const SNOOZE_MAX_MS = 366 * 86_400_000;

export function snoozeNotification(request: RequestSession, id: unknown, until: unknown) {
  if (!(until instanceof Date) || until.getTime() <= Date.now()) throw badUserInput('until', 'until must be in the future');
  if (until.getTime() - Date.now() > SNOOZE_MAX_MS) throw badUserInput('until', 'until must be within a year');
  return changeState(request, id, () => ({ snoozedUntil: until }));
}

const notificationFilter = z
  .object({
    unread: z.boolean().nullish(),
    kind: z.array(z.enum(notificationKind.enumValues)).nullish(),
    recipientId: z.uuid('must be an id').nullish(),
    founderId: z.uuid('must be an id').nullish(),
    includeSnoozed: z.boolean().nullish(),
    includeDismissed: z.boolean().nullish(),
  })
  .nullish();

export type NotificationFilter = z.infer<typeof notificationFilter>;
export const parseNotificationFilter = (raw: unknown): NotificationFilter => parseInput(notificationFilter, raw, 'filter');

function filterSql(filter: NotificationFilter): SQL | undefined {
  const f = filter ?? {};
  return and(
    f.includeDismissed ? undefined : isNull(notifications.dismissedAt),
    f.includeSnoozed ? undefined : or(isNull(notifications.snoozedUntil), sql`${notifications.snoozedUntil} <= now()`),
    f.unread === true ? isNull(notifications.readAt) : f.unread === false ? isNotNull(notifications.readAt) : undefined,
    f.kind?.length ? inArray(notifications.kind, f.kind) : undefined,
    f.recipientId ? eq(notifications.recipientMemberId, f.recipientId) : undefined,
    f.founderId ? eq(notifications.founderId, f.founderId) : undefined,
  );
}

/** The workspace's notifications, newest first; snoozed and dismissed ones only when asked for. */
export const listNotifications = (session: Session, page: Page, filter: NotificationFilter) => listPage(session.db, notifications, filterSql(filter), page);
