import { and, eq, inArray, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import {
  appendEvent, badUserInput, conflict, listPage, listPagesByParent, loadById, parseId, parseInput, refuseClearing, refuseWrite, requireChanges, requireRole,
  withSession, type Connection, type LoaderRegistry, type Page, type RequestSession, type Session,
} from '@chief/runtime';
import { briefingKind, briefingStatus, briefings, type BriefingSection, type SourceRef } from '../models/index.ts';
import { distinctRefs, linksTo, refuseMissingSources, sourceRefInput } from './sourceRefs.ts';

export type Briefing = typeof briefings.$inferSelect;
type Scope = { session: RequestSession; loaders: LoaderRegistry };

const sectionInput = z.object({
  title: z.string().trim().min(1, 'must not be empty').max(300),
  body: z.string().max(20_000),
  citations: z.array(sourceRefInput).max(50).nullish(),
});
const sections = z.array(sectionInput).max(20);
const createBriefingInput = z.object({
  founderId: z.uuid('must be an id'),
  kind: z.enum(briefingKind.enumValues),
  periodStart: z.date(),
  periodEnd: z.date(),
  title: z.string().trim().min(1, 'must not be empty').max(300),
  summary: z.string().max(20_000).nullish(),
  sections: sections.nullish(),
  status: z.enum(['draft', 'ready'] as const).nullish(),
});
const updateBriefingInput = z.object({
  title: createBriefingInput.shape.title.optional(),
  summary: createBriefingInput.shape.summary,
  sections: sections.optional(),
  status: z.enum(briefingStatus.enumValues).optional(),
});

const MAX_PERIOD_MS = 31 * 86_400_000;

function checkPeriod(start: Date, end: Date) {
  if (end.getTime() <= start.getTime()) throw badUserInput('input.periodEnd', 'input.periodEnd must be after input.periodStart');
  if (end.getTime() - start.getTime() > MAX_PERIOD_MS) throw badUserInput('input.periodEnd', 'a briefing covers at most 31 days');
}

/** Sections as stored, and every citation once with the input field that named it. */
function readSections(input: z.infer<typeof sections>) {
  const stored: BriefingSection[] = input.map((s) => ({ title: s.title, body: s.body, citations: distinctRefs(s.citations ?? []) }));
  const named = input.flatMap((s, i) => (s.citations ?? []).map((ref, j) => ({ ref, field: `input.sections.${i}.citations.${j}.id` })));
  return { stored, named, cited: distinctRefs(stored.flatMap((s) => s.citations)) };
}

/** Writes a founder's briefing for one period (one per founder, kind and start), citing what it was built from. */
export async function createBriefing(request: RequestSession, rawInput: unknown): Promise<Briefing> {
  const input = parseInput(createBriefingInput, rawInput);
  checkPeriod(input.periodStart, input.periodEnd);
  const { stored, named, cited } = readSections(input.sections ?? []);
  return request.mutate(async (session) => {
    requireRole(session, 'member');
    await refuseMissingSources(session, named);
    const [row] = await session.db
      .insert(briefings)
      .values({
        workspaceId: session.identity.workspaceId!,
        founderId: input.founderId,
        kind: input.kind,
        periodStart: input.periodStart,
        periodEnd: input.periodEnd,
        status: input.status ?? 'draft',
        title: input.title,
        summary: input.summary ?? null,
        sections: stored,
        cited,
        createdBy: session.memberId,
      })
      .returning();
    await appendEvent(session, {
      type: 'intel.briefing.created', entityId: row!.id,
      payload: { founderId: row!.founderId, kind: row!.kind, periodStart: row!.periodStart.toISOString(), status: row!.status, sectionCount: stored.length },
      links: linksTo(cited, 'derived_from'),
    });
    return row!;
  });
}

/**
 * Edits a briefing or moves it along draft → ready → delivered (the database checks each step). A
 * delivered briefing is what the founder got: it no longer changes.
 */
export async function updateBriefing(request: RequestSession, rawId: unknown, rawInput: unknown): Promise<Briefing> {
  const briefingId = parseId(rawId);
  refuseClearing(rawInput, ['title', 'sections', 'status']);
  const input = parseInput(updateBriefingInput, rawInput);
  const read = input.sections ? readSections(input.sections) : null;
  const changes = requireChanges({ title: input.title, summary: input.summary, sections: read?.stored, status: input.status });
  return request.mutate(async (session) => {
    requireRole(session, 'member');
    const [current] = await session.db.select({ status: briefings.status }).from(briefings).where(eq(briefings.id, briefingId)).for('update');
    if (!current) return refuseWrite(session, briefings, 'Briefing', briefingId);
    if (current.status === 'delivered') throw conflict('This briefing was delivered and no longer changes', { field: 'id' });
    if (read) await refuseMissingSources(session, read.named);
    const delivering = changes.status === 'delivered';
    const [row] = await session.db
      .update(briefings)
      .set({ ...changes, ...(read ? { cited: read.cited } : {}), ...(delivering ? { deliveredAt: new Date() } : {}) })
      .where(eq(briefings.id, briefingId))
      .returning();
    if (!row) return refuseWrite(session, briefings, 'Briefing', briefingId);
    const changed = Object.keys(rawInput as object);
    const event = await appendEvent(session, { type: 'intel.briefing.updated', entityId: briefingId, payload: { changed, status: row.status } });
    if (delivering) {
      await appendEvent(session, {
        type: 'intel.briefing.delivered', entityId: briefingId, payload: { founderId: row.founderId, kind: row.kind },
        links: [{ linkType: 'caused', refEventId: event.id }],
      });
    }
    return row;
  });
}

const briefingFilter = z
  .object({
    founderId: z.uuid('must be an id').nullish(),
    kind: z.array(z.enum(briefingKind.enumValues)).nullish(),
    status: z.array(z.enum(briefingStatus.enumValues)).nullish(),
  })
  .nullish();

export type BriefingFilter = z.infer<typeof briefingFilter>;
export const parseBriefingFilter = (raw: unknown): BriefingFilter => parseInput(briefingFilter, raw, 'filter');

function filterSql(f: BriefingFilter): SQL | undefined {
  if (!f) return undefined;
  return and(
    f.founderId ? eq(briefings.founderId, f.founderId) : undefined,
    f.kind?.length ? inArray(briefings.kind, f.kind) : undefined,
    f.status?.length ? inArray(briefings.status, f.status) : undefined,
  );
}

export const listBriefings = (session: Session, page: Page, filter: BriefingFilter) => listPage(session.db, briefings, filterSql(filter), page);

/** A founder's briefings, newest first, batched: every founder asked for with the same page and filter shares one statement. */
export function briefingsOfFounder(scope: Scope, founderId: string, page: Page, filter: BriefingFilter): Promise<Connection<Briefing>> {
  return scope.loaders
    .get<string, Connection<Briefing>>(`intel.briefings:founder:${JSON.stringify([page, filter])}`, (ids) =>
      withSession(scope, ({ db }) => listPagesByParent(db, briefings, briefings.founderId, ids, filterSql(filter), page)),
    )
    .load(founderId);
}

/** The briefing if it is the given founder's: what briefingUpdated delivers. */
export async function loadFoundersBriefing(scope: Scope, briefingId: string, founderId: string): Promise<Briefing | null> {
  const row = await loadById(scope, briefings, briefingId);
  return row && row.founderId === founderId ? row : null;
}

export type { SourceRef };
