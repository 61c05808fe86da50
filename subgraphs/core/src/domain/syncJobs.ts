import { and, eq, inArray, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import { appendEvent, badUserInput, listPage, loadById, parseId, parseInput, refuseWrite, requireRole, type LoaderRegistry, type Page, type RequestSession, type Session } from '@chief/runtime';
import { syncJobStatus, syncJobType, syncJobs } from '../models/index.ts';

type SyncJob = typeof syncJobs.$inferSelect;

const startInput = z.object({
  integrationId: z.uuid('must be an id'),
  jobType: z.enum(syncJobType.enumValues),
  itemsTotal: z.number().int().min(0, 'must not be negative').nullish(),
  cursor: z.string().max(2000).nullish(),
});

/** A connector starts a sync of one integration: the job is running from now, and ingestion calls may name it. */
export async function startSyncJob(request: RequestSession, rawInput: unknown) {
  const input = parseInput(startInput, rawInput);
  return request.mutate(async (session) => {
    requireRole(session, 'member');
    const [row] = await session.db
      .insert(syncJobs)
      .values({
        workspaceId: session.identity.workspaceId!, integrationId: input.integrationId, jobType: input.jobType, status: 'running',
        itemsTotal: input.itemsTotal ?? null, cursor: input.cursor ?? null, createdBy: session.memberId,
      })
      .returning();
    await appendEvent(session, {
      type: 'core.sync_job.started', entityId: row!.id, payload: { integrationId: input.integrationId, jobType: input.jobType },
      links: [{ linkType: 'references', entityType: 'integration', entityId: input.integrationId }],
    });
    return row!;
  });
}

const progressInput = z.object({
  cursor: z.string().max(2000).nullish(),
  itemsTotal: z.number().int().min(0, 'must not be negative').nullish(),
});

const ENDED = ['completed', 'failed', 'cancelled'] as const;

const finishInput = z.object({
  status: z.enum(ENDED),
  cursor: z.string().max(2000).nullish(),
  error: z.object({ message: z.string().trim().min(1, 'must not be empty').max(2000), details: z.record(z.string(), z.unknown()).nullish() }).nullish(),
}).refine((f) => (f.status === 'failed') === Boolean(f.error), { message: 'error is required when the status is FAILED, and only then', path: ['error'] });

async function runningJob(session: Session, id: string): Promise<SyncJob> {
  const [job] = await session.db.select().from(syncJobs).where(eq(syncJobs.id, id));
  if (!job) return refuseWrite(session, syncJobs, 'SyncJob', id);
  if (job.status !== 'running') throw badUserInput('id', `The sync job is already ${job.status}`);
  return job;
}

/** The connector's resume cursor (and, once known, how many items there are), as it goes. */
export async function updateSyncJob(request: RequestSession, rawId: unknown, rawInput: unknown) {
  const id = parseId(rawId);
  const input = parseInput(progressInput, rawInput);
  return request.mutate(async (session) => {
    requireRole(session, 'member');
    await runningJob(session, id);
    const [row] = await session.db
      .update(syncJobs)
      .set({ ...(input.cursor !== undefined ? { cursor: input.cursor } : {}), ...(input.itemsTotal !== undefined ? { itemsTotal: input.itemsTotal } : {}) })
      .where(eq(syncJobs.id, id))
      .returning();
    if (!row) return refuseWrite(session, syncJobs, 'SyncJob', id);
    await appendEvent(session, { type: 'core.sync_job.progressed', entityId: id, payload: { seen: row.itemsSeen, written: row.itemsWritten, failed: row.itemsFailed, cursor: row.cursor } });
    return row;
  });
}

/** Ends a running sync job: completed, failed (with its error) or cancelled. An ended job takes no more items. */
export async function finishSyncJob(request: RequestSession, rawId: unknown, rawInput: unknown) {
  const id = parseId(rawId);
  const input = parseInput(finishInput, rawInput);
  return request.mutate(async (session) => {
    requireRole(session, 'member');
    await runningJob(session, id);
    const [row] = await session.db
      .update(syncJobs)
      .set({
        status: input.status, finishedAt: new Date(), error: input.error ? { message: input.error.message, ...(input.error.details ? { details: input.error.details } : {}) } : null,
        ...(input.cursor !== undefined ? { cursor: input.cursor } : {}),
      })
      .where(and(eq(syncJobs.id, id), eq(syncJobs.status, 'running')))
      .returning();
    if (!row) return refuseWrite(session, syncJobs, 'SyncJob', id);
    await appendEvent(session, { type: 'core.sync_job.finished', entityId: id, payload: { status: row.status, seen: row.itemsSeen, written: row.itemsWritten, failed: row.itemsFailed } });
    return row;
  });
}

const syncJobFilter = z.object({ integrationId: z.uuid('must be an id').nullish(), status: z.array(z.enum(syncJobStatus.enumValues)).nullish() }).nullish();

export function listSyncJobs(session: Session, page: Page, rawFilter: unknown) {
  const filter = parseInput(syncJobFilter, rawFilter, 'filter') ?? {};
  const where: (SQL | undefined)[] = [
    filter.integrationId ? eq(syncJobs.integrationId, filter.integrationId) : undefined,
    filter.status?.length ? inArray(syncJobs.status, filter.status) : undefined,
  ];
  return listPage(session.db, syncJobs, and(...where), page);
}

/** The job if it is the one a subscription follows (any, without an id). */
export async function loadFollowedJob(scope: { session: RequestSession; loaders: LoaderRegistry }, id: string, only: string | null | undefined) {
  if (only && only.toLowerCase() !== id.toLowerCase()) return null;
  return loadById(scope, syncJobs, id);
}
