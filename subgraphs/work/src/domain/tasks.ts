import { and, eq, gte, inArray, lt, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import {
  anyUuid, appendEvent, badUserInput, listPage, loadById, listPagesByParent, parseId, parseInput, refuseClearing, refuseWrite, requireChanges, requireRole,
  withSession, type Connection, type LoaderRegistry, type Page, type RequestSession, type Session,
} from '@chief/runtime';
import { taskPriority, taskSource, taskStatus, tasks } from '../models/index.ts';

type Task = typeof tasks.$inferSelect;

const id = z.uuid('must be an id');
const taskFields = {
  title: z.string().trim().min(1, 'must not be empty').max(500, 'must be at most 500 characters'),
  description: z.string().max(20_000).nullish(),
  status: z.enum(taskStatus.enumValues).nullish(),
  priority: z.enum(taskPriority.enumValues).nullish(),
  dueAt: z.date().nullish(),
  completedAt: z.date().nullish(),
  founderId: id.nullish(),
  assigneeId: id.nullish(),
  contactId: id.nullish(),
  dealId: id.nullish(),
};
const createTaskInput = z.object({ ...taskFields, sourceType: z.enum(taskSource.enumValues).nullish(), sourceId: id.nullish() });
const updateTaskInput = z.object({ ...taskFields, title: taskFields.title.optional() });

/**
 * The seed's rule, checked before writing so the client learns which field is wrong (the
 * database's CHECK constraint stays as the backstop): completed_at is set exactly when done.
 */
function checkCompletion(status: string, completedAt: Date | null) {
  if (status === 'done' && !completedAt) throw badUserInput('input.completedAt', 'input.completedAt is required when status is DONE (or use completeTask)');
  if (status !== 'done' && completedAt) throw badUserInput('input.completedAt', 'input.completedAt may only be set when status is DONE');
}

const references = (input: z.infer<typeof updateTaskInput>) => ({
  founderId: input.founderId,
  assigneeMemberId: input.assigneeId,
  contactId: input.contactId,
  dealId: input.dealId,
});

export async function createTask(request: RequestSession, rawInput: unknown) {
  const input = parseInput(createTaskInput, rawInput);
  const status = input.status ?? 'todo';
  checkCompletion(status, input.completedAt ?? null);
  const sourceType = input.sourceType ?? 'manual';
  if ((sourceType === 'manual') !== !input.sourceId)
    throw badUserInput('input.sourceId', sourceType === 'manual' ? 'input.sourceId is only for non-manual sources' : 'input.sourceId is required for this sourceType');
  return request.mutate(async (session) => {
    requireRole(session, 'member');
    const [row] = await session.db
      .insert(tasks)
      .values({
        workspaceId: session.identity.workspaceId!,
        title: input.title,
        description: input.description ?? null,
        status,
        priority: input.priority ?? 'medium',
        dueAt: input.dueAt ?? null,
        completedAt: input.completedAt ?? null,
        ...references(input),
        sourceType,
        sourceId: input.sourceId ?? null,
        createdBy: session.memberId,
      })
      .returning();
    await appendEvent(session, {
      type: 'work.task.created', entityId: row!.id,
      payload: { title: row!.title, status: row!.status, priority: row!.priority, assigneeId: row!.assigneeMemberId },
      links: sourceType !== 'manual' ? [{ linkType: 'derived_from', entityType: sourceType, entityId: input.sourceId! }] : [],
    });
    return row!;
  });
}

async function visibleTask(session: Session, taskId: string): Promise<Task | null> {
  const [row] = await session.db.select().from(tasks).where(eq(tasks.id, taskId));
  return row ?? null;
}

export async function updateTask(request: RequestSession, rawId: unknown, rawInput: unknown) {
  const taskId = parseId(rawId);
  refuseClearing(rawInput, ['status', 'priority']);
  const input = parseInput(updateTaskInput, rawInput);
  const changes = requireChanges({
    title: input.title,
    description: input.description,
    status: input.status ?? undefined,
    priority: input.priority ?? undefined,
    dueAt: input.dueAt,
    completedAt: input.completedAt,
    ...references(input),
  });
  return request.mutate(async (session) => {
    requireRole(session, 'member');
    const current = await visibleTask(session, taskId);
    if (!current) return refuseWrite(session, tasks, 'Task', taskId);
    const status = changes.status ?? current.status;
    // Reopening a done task clears its completion unless the input says otherwise.
    const completedAt = changes.completedAt !== undefined ? changes.completedAt : status === 'done' ? current.completedAt : null;
    checkCompletion(status, completedAt);
    const [row] = await session.db
      .update(tasks)
      .set({ ...changes, status, completedAt })
      .where(eq(tasks.id, taskId))
      .returning();
    if (!row) return refuseWrite(session, tasks, 'Task', taskId);
    await appendEvent(session, {
      type: 'work.task.updated', entityId: taskId,
      payload: { changed: Object.keys(rawInput as object), from: { status: current.status }, to: { status: row.status } },
    });
    return row;
  });
}

export async function completeTask(request: RequestSession, rawId: unknown, completedAt: Date | null | undefined) {
  return updateTask(request, rawId, { status: 'done', completedAt: completedAt ?? new Date() });
}

export async function deleteTask(request: RequestSession, rawId: unknown) {
  const taskId = parseId(rawId);
  return request.mutate(async (session) => {
    requireRole(session, 'member');
    const [row] = await session.db.delete(tasks).where(eq(tasks.id, taskId)).returning({ id: tasks.id, title: tasks.title });
    if (!row) return refuseWrite(session, tasks, 'Task', taskId);
    await appendEvent(session, { type: 'work.task.deleted', entityId: taskId, payload: { title: row.title } });
    return taskId;
  });
}

const taskFilter = z
  .object({
    status: z.array(z.enum(taskStatus.enumValues)).nullish(),
    priority: z.array(z.enum(taskPriority.enumValues)).nullish(),
    dueBefore: z.date().nullish(),
    dueAfter: z.date().nullish(),
    assigneeId: id.nullish(),
    founderId: id.nullish(),
  })
  .nullish();

export type TaskFilter = z.infer<typeof taskFilter>;

/** Validates a task filter at the edge, before any statement runs. */
export const parseTaskFilter = (raw: unknown): TaskFilter => parseInput(taskFilter, raw, 'filter');

function filterSql(filter: TaskFilter): SQL | undefined {
  if (!filter) return undefined;
  return and(
    filter.status?.length ? inArray(tasks.status, filter.status) : undefined,
    filter.priority?.length ? inArray(tasks.priority, filter.priority) : undefined,
    filter.dueBefore ? lt(tasks.dueAt, filter.dueBefore) : undefined,
    filter.dueAfter ? gte(tasks.dueAt, filter.dueAfter) : undefined,
    filter.assigneeId ? eq(tasks.assigneeMemberId, filter.assigneeId) : undefined,
    filter.founderId ? eq(tasks.founderId, filter.founderId) : undefined,
  );
}

/**
 * The task if it matches `filter` (without one: if it is visible), batched across the request:
 * what a filtered subscription delivers a change for.
 */
export function loadMatchingTask(scope: { session: RequestSession; loaders: LoaderRegistry }, id: string, filter: TaskFilter): Promise<Task | null> {
  if (!filter) return loadById(scope, tasks, id);
  return scope.loaders
    .get<string, Task | null>(`work.matchingTask:${JSON.stringify(filter)}`, async (ids) => {
      const rows = await withSession(scope, ({ db }) => db.select().from(tasks).where(and(anyUuid(tasks.id, new Set(ids)), filterSql(filter))));
      const byId = new Map(rows.map((row) => [row.id, row]));
      return ids.map((taskId) => byId.get(taskId) ?? null);
    })
    .load(id);
}

export async function listTasks(session: Session, page: Page, filter: TaskFilter) {
  return listPage(session.db, tasks, filterSql(filter), page);
}

/** Which parent a batched task list hangs under: a column, and for a source the kind it must be. */
const parentColumns = {
  assignee: { column: tasks.assigneeMemberId },
  founder: { column: tasks.founderId },
  contact: { column: tasks.contactId },
  deal: { column: tasks.dealId },
  communication: { column: tasks.sourceId, where: eq(tasks.sourceType, 'communication') },
  meeting: { column: tasks.sourceId, where: eq(tasks.sourceType, 'meeting') },
} satisfies Record<string, { column: AnyPgColumn; where?: SQL }>;

/**
 * The tasks under one parent (member, founder, contact, deal, the communication or meeting they came from), batched: every parent asked for
 * with the same page and filter in one request shares one statement.
 */
export function tasksUnder(
  scope: { session: RequestSession; loaders: LoaderRegistry },
  parent: keyof typeof parentColumns,
  parentId: string,
  page: Page,
  filter: TaskFilter,
): Promise<Connection<Task>> {
  const key = `work.tasks:${parent}:${JSON.stringify([page, filter])}`;
  return scope.loaders
    .get<string, Connection<Task>>(key, (ids) => {
      const { column, where } = parentColumns[parent] as { column: AnyPgColumn; where?: SQL };
      return withSession(scope, ({ db }) => listPagesByParent(db, tasks, column, ids, and(where, filterSql(filter)), page));
    })
    .load(parentId);
}
