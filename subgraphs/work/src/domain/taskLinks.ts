import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { anyUuid, appendEvent, groupByKey, parseId, parseInput, refuseWrite, requireRole, withSession, type LoaderRegistry, type RequestSession } from '@chief/runtime';
import { taskLinks, trackerPlatform } from '../models/index.ts';

const linkTaskInput = z.object({
  taskId: z.uuid('must be an id'),
  platform: z.enum(trackerPlatform.enumValues),
  externalId: z.string().trim().min(1, 'must not be empty').max(200),
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2000).nullish(),
});

export async function linkTask(request: RequestSession, rawInput: unknown) {
  const input = parseInput(linkTaskInput, rawInput);
  return request.mutate(async (session) => {
    requireRole(session, 'member');
    const [row] = await session.db
      .insert(taskLinks)
      .values({ workspaceId: session.identity.workspaceId!, taskId: input.taskId, platform: input.platform, externalId: input.externalId, url: input.url ?? null, createdBy: session.memberId })
      .returning();
    await appendEvent(session, {
      type: 'work.task.linked', entityId: input.taskId, payload: { platform: input.platform, externalId: input.externalId },
      links: [{ linkType: 'references', entityType: 'task_link', entityId: row!.id }],
    });
    return row!;
  });
}

export async function unlinkTask(request: RequestSession, rawId: unknown) {
  const id = parseId(rawId);
  return request.mutate(async (session) => {
    requireRole(session, 'member');
    const [row] = await session.db.delete(taskLinks).where(eq(taskLinks.id, id)).returning();
    if (!row) return refuseWrite(session, taskLinks, 'TaskLink', id);
    await appendEvent(session, {
      type: 'work.task.unlinked', entityId: row.taskId, payload: { platform: row.platform, externalId: row.externalId },
      links: [{ linkType: 'references', entityType: 'task_link', entityId: id }],
    });
    return id;
  });
}

/** A task's tracker links, batched across every task in the request. */
export function linksOf(scope: { session: RequestSession; loaders: LoaderRegistry }, taskId: string) {
  return scope.loaders
    .get<string, (typeof taskLinks.$inferSelect)[]>('work.task_links:byTask', (ids) =>
      withSession(scope, async ({ db }) => {
        const rows = await db.select().from(taskLinks).where(anyUuid(taskLinks.taskId, ids)).orderBy(taskLinks.createdAt);
        return groupByKey(ids, rows, (row) => row.taskId);
      }),
    )
    .load(taskId);
}
