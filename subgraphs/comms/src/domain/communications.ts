import { and, eq, gte, ilike, inArray, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import {
  anyUuid, appendEvent, containsPattern, listPage, listPagesByArrayParent, listPagesByParent, loadById, parseId, parseInput, refuseWrite, requireRole, withSession,
  type Connection, type LoaderRegistry, type Page, type RequestSession, type Session, rowColumns,
} from '@chief/runtime';
import { commsPlatform, communications, direction, threads, urgency } from '../models/index.ts';

type Communication = typeof communications.$inferSelect;
type Scope = { session: RequestSession; loaders: LoaderRegistry };

const id = z.uuid('must be an id');
const communicationFilter = z
  .object({
    platform: z.array(z.enum(commsPlatform.enumValues)).nullish(),
    direction: z.array(z.enum(direction.enumValues)).nullish(),
    unread: z.boolean().nullish(),
    minUrgency: z.enum(urgency.enumValues).nullish(),
    receivedAfter: z.date().nullish(),
    receivedBefore: z.date().nullish(),
    contactId: id.nullish(),
    threadId: id.nullish(),
    founderId: id.nullish(),
    followUp: z.boolean().nullish(),
    text: z.string().trim().min(1, 'must not be empty').max(200).nullish(),
    includeArchived: z.boolean().nullish(),
  })
  .nullish();

export type CommunicationFilter = z.infer<typeof communicationFilter>;

/** Validates a communication filter at the edge, before any statement runs. */
export const parseCommunicationFilter = (raw: unknown): CommunicationFilter => parseInput(communicationFilter, raw, 'filter');

function filterSql(filter: CommunicationFilter): SQL | undefined {
  const f = filter ?? {};
  const pattern = f.text ? containsPattern(f.text) : null;
  return and(
    f.includeArchived ? undefined : isNull(communications.archivedAt),
    f.platform?.length ? inArray(communications.platform, f.platform) : undefined,
    f.direction?.length ? inArray(communications.direction, f.direction) : undefined,
    f.unread === true ? isNull(communications.readAt) : f.unread === false ? isNotNull(communications.readAt) : undefined,
    f.minUrgency ? gte(communications.urgency, f.minUrgency) : undefined,
    f.receivedAfter ? sql`${communications.receivedAt} >= ${f.receivedAfter.toISOString()}::timestamptz` : undefined,
    f.receivedBefore ? sql`${communications.receivedAt} < ${f.receivedBefore.toISOString()}::timestamptz` : undefined,
    f.contactId ? sql`${communications.contactIds} @> array[${f.contactId}]::uuid[]` : undefined,
    f.threadId ? eq(communications.threadId, f.threadId) : undefined,
    f.founderId ? eq(communications.founderId, f.founderId) : undefined,
    f.followUp === true ? eq(communications.followUpNeeded, true) : f.followUp === false ? eq(communications.followUpNeeded, false) : undefined,
    pattern
      ? or(ilike(communications.subject, pattern), ilike(communications.content, pattern), ilike(communications.senderAddress, pattern), ilike(communications.senderName, pattern))
      : undefined,
  );
}

/** The workspace's communications, newest received first. */
export const listCommunications = (session: Session, page: Page, filter: CommunicationFilter) =>
  listPage(session.db, communications, filterSql(filter), page, communications.receivedAt);

/** Which parent a batched communication list hangs under. */
const parents = { founder: communications.founderId, thread: communications.threadId };

/**
 * The communications under one parent (a founder's inbox, a thread, a contact), newest received
 * first, batched: every parent asked for with the same page and filter shares one statement.
 */
export function communicationsUnder(scope: Scope, parent: keyof typeof parents | 'contact', parentId: string, page: Page, filter: CommunicationFilter): Promise<Connection<Communication>> {
  const key = `comms.communications:${parent}:${JSON.stringify([page, filter])}`;
  return scope.loaders
    .get<string, Connection<Communication>>(key, (ids) =>
      withSession(scope, ({ db }) =>
        parent === 'contact'
          ? listPagesByArrayParent(db, communications, communications.contactIds, ids, filterSql(filter), page, communications.receivedAt)
          : listPagesByParent(db, communications, parents[parent], ids, filterSql(filter), page, communications.receivedAt),
      ),
    )
    .load(parentId);
}

/** The communication if it is at least as urgent as `minUrgency`: what communicationReceived delivers. */
export async function loadReceived(scope: Scope, communicationId: string, minUrgency: string | null | undefined): Promise<Communication | null> {
  const row = await loadById(scope, communications, communicationId);
  if (!row || !minUrgency) return row;
  return urgency.enumValues.indexOf(row.urgency) >= urgency.enumValues.indexOf(minUrgency as never) ? row : null;
}

/** A thread's size and latest message, read from its communications, batched across the request. */
export function threadStats(scope: Scope, threadId: string): Promise<{ count: number; lastAt: string | null }> {
  return scope.loaders
    .get<string, { count: number; lastAt: string | null }>('comms.threads:stats', (ids) =>
      withSession(scope, async ({ db }) => {
        const rows = await db
          .select({ threadId: communications.threadId, count: sql<number>`count(*)::int`, lastAt: sql<string>`max(${communications.receivedAt})::text` })
          .from(communications)
          .where(anyUuid(communications.threadId, ids))
          .groupBy(communications.threadId);
        const found = new Map(rows.map((r) => [r.threadId, r]));
        return ids.map((threadId) => ({ count: found.get(threadId)?.count ?? 0, lastAt: found.get(threadId)?.lastAt ?? null }));
      }),
    )
    .load(threadId);
}

export const listThreads = (session: Session, page: Page) => listPage(session.db, threads, undefined, page);

const followUpInput = z.object({
  dueAt: z.date().nullish(),
  note: z.string().trim().max(2000).nullish(),
});

/**
 * One change of what people did with a communication (read, follow-up, archive), with its event.
 * A change that is already so (marking a read message read) writes nothing and appends nothing.
 */
async function changeState(
  request: RequestSession,
  rawId: unknown,
  next: (row: Communication) => Partial<Communication>,
): Promise<Communication> {
  const communicationId = parseId(rawId);
  return request.mutate(async (session) => {
    requireRole(session, 'member');
    const [current] = await session.db.select(rowColumns(communications)).from(communications).where(eq(communications.id, communicationId));
    if (!current) return refuseWrite(session, communications, 'Communication', communicationId);
    const values = next(current);
    const changed = (Object.keys(values) as (keyof Communication)[]).filter((k) => String(values[k] ?? null) !== String(current[k] ?? null));
    if (!changed.length) return current;
    const [row] = await session.db.update(communications).set(values).where(eq(communications.id, communicationId)).returning(rowColumns(communications));
    if (!row) return refuseWrite(session, communications, 'Communication', communicationId);
    await appendEvent(session, { type: 'comms.communication.updated', entityId: communicationId, payload: { changed } });
    return row;
  });
}

export const markRead = (request: RequestSession, id: unknown) => changeState(request, id, (row) => ({ readAt: row.readAt ?? new Date() }));
export const markUnread = (request: RequestSession, id: unknown) => changeState(request, id, () => ({ readAt: null }));
export const archive = (request: RequestSession, id: unknown) => changeState(request, id, (row) => ({ archivedAt: row.archivedAt ?? new Date() }));
export const unarchive = (request: RequestSession, id: unknown) => changeState(request, id, () => ({ archivedAt: null }));
export const clearFollowUp = (request: RequestSession, id: unknown) =>
  changeState(request, id, () => ({ followUpNeeded: false, followUpDueAt: null, followUpNote: null }));

export function setFollowUp(request: RequestSession, id: unknown, rawInput: unknown) {
  const input = parseInput(followUpInput, rawInput ?? {});
  return changeState(request, id, () => ({ followUpNeeded: true, followUpDueAt: input.dueAt ?? null, followUpNote: input.note ?? null }));
}
