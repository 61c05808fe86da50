import { and, eq, gte, inArray, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import {
  appendEvent, badUserInput, listPage, loadById, parseId, parseInput, refuseClearing, refuseWrite, requireChanges, requireRole, textArray,
  type LoaderRegistry, type Page, type RequestSession, type Session, rowColumns,
} from '@chief/runtime';
import { insightKind, insightStatus, insights, type InsightContent } from '../models/index.ts';
import { distinctRefs, linksTo, refuseMissingSources, sourceRefInput } from './sourceRefs.ts';

export type Insight = typeof insights.$inferSelect;
type Scope = { session: RequestSession; loaders: LoaderRegistry };

const score = z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');
const contentInput = z.object({
  summary: z.string().trim().min(1, 'must not be empty').max(2000),
  details: z.string().max(20_000).nullish(),
  metrics: z
    .array(z.object({ name: z.string().trim().min(1, 'must not be empty').max(100), value: z.number() }))
    .max(50)
    .nullish()
    .refine((m) => !m || new Set(m.map((x) => x.name)).size === m.length, 'names each metric once'),
  recommendations: z.array(z.string().trim().min(1, 'must not be empty').max(1000)).max(20).nullish(),
});
const insightFields = {
  title: z.string().trim().min(1, 'must not be empty').max(300),
  content: contentInput,
  confidence: score,
  impactScore: score.nullish(),
  expiresAt: z.date().nullish(),
};
const createInsightInput = z.object({
  ...insightFields,
  kind: z.enum(insightKind.enumValues),
  founderId: z.uuid('must be an id').nullish(),
  evidence: z.array(sourceRefInput).max(50).nullish(),
});
const updateInsightInput = z.object({
  title: insightFields.title.optional(),
  content: contentInput.optional(),
  confidence: score.optional(),
  impactScore: score.optional(),
  expiresAt: z.date().nullish(),
  status: z.enum(insightStatus.enumValues).optional(),
});

const toContent = (input: z.infer<typeof contentInput>): InsightContent => ({
  summary: input.summary,
  details: input.details ?? null,
  metrics: Object.fromEntries((input.metrics ?? []).map((m) => [m.name, m.value])),
  recommendations: input.recommendations ?? [],
});

/** Records an insight with the entities behind it, each checked to be the caller's to see. */
export async function createInsight(request: RequestSession, rawInput: unknown): Promise<Insight> {
  const input = parseInput(createInsightInput, rawInput);
  const evidence = distinctRefs(input.evidence ?? []);
  if (input.expiresAt && input.expiresAt.getTime() <= Date.now()) throw badUserInput('input.expiresAt', 'input.expiresAt must be in the future');
  return request.mutate(async (session) => {
    requireRole(session, 'member');
    await refuseMissingSources(session, (input.evidence ?? []).map((ref, i) => ({ ref, field: `input.evidence.${i}.id` })));
    const [row] = await session.db
      .insert(insights)
      .values({
        workspaceId: session.identity.workspaceId!,
        founderId: input.founderId ?? null,
        kind: input.kind,
        title: input.title,
        content: toContent(input.content),
        confidence: input.confidence,
        impactScore: input.impactScore ?? 0.5,
        evidence,
        expiresAt: input.expiresAt ?? null,
        createdBy: session.memberId,
      })
      .returning(rowColumns(insights));
    await appendEvent(session, {
      type: 'intel.insight.created', entityId: row!.id,
      payload: { kind: row!.kind, founderId: row!.founderId, confidence: row!.confidence, impactScore: row!.impactScore, evidenceCount: evidence.length },
      links: linksTo(evidence, 'derived_from'),
    });
    return row!;
  });
}

/** Changes an insight; a status step the pipeline does not allow is refused by the database, naming both ends. */
export async function updateInsight(request: RequestSession, rawId: unknown, rawInput: unknown): Promise<Insight> {
  const insightId = parseId(rawId);
  refuseClearing(rawInput, ['title', 'content', 'confidence', 'impactScore', 'status']);
  const input = parseInput(updateInsightInput, rawInput);
  const changes = requireChanges({
    title: input.title,
    content: input.content ? toContent(input.content) : undefined,
    confidence: input.confidence,
    impactScore: input.impactScore,
    expiresAt: input.expiresAt,
    status: input.status,
  });
  return request.mutate(async (session) => {
    requireRole(session, 'member');
    const [current] = await session.db.select({ status: insights.status }).from(insights).where(eq(insights.id, insightId));
    if (!current) return refuseWrite(session, insights, 'Insight', insightId);
    const statusChanged = changes.status !== undefined && changes.status !== current.status;
    const [row] = await session.db
      .update(insights)
      .set({ ...changes, ...(statusChanged ? { statusChangedAt: new Date() } : {}) })
      .where(eq(insights.id, insightId))
      .returning(rowColumns(insights));
    if (!row) return refuseWrite(session, insights, 'Insight', insightId);
    await appendEvent(session, { type: 'intel.insight.updated', entityId: insightId, payload: { changed: Object.keys(rawInput as object), status: row.status } });
    return row;
  });
}

/** An active insight whose time has passed reads as expired, before anything marks it so. */
export const effectiveStatus = (row: Insight, at = new Date()) =>
  row.status === 'active' && row.expiresAt && row.expiresAt.getTime() <= at.getTime() ? 'expired' : row.status;

const insightFilter = z
  .object({
    status: z.array(z.enum(insightStatus.enumValues)).nullish(),
    kind: z.array(z.enum(insightKind.enumValues)).nullish(),
    founderId: z.uuid('must be an id').nullish(),
    minConfidence: score.nullish(),
    createdAfter: z.date().nullish(),
  })
  .nullish();

export type InsightFilter = z.infer<typeof insightFilter>;
export const parseInsightFilter = (raw: unknown): InsightFilter => parseInput(insightFilter, raw, 'filter');

function filterSql(f: InsightFilter): SQL | undefined {
  if (!f) return undefined;
  return and(
    // The status as it reads (effectiveStatus): an active insight past its expiry is expired.
    f.status?.length
      ? sql`(case when ${insights.status} = 'active' and ${insights.expiresAt} <= now() then 'expired'::intel.insight_status else ${insights.status} end) = any(${textArray(f.status)}::intel.insight_status[])`
      : undefined,
    f.kind?.length ? inArray(insights.kind, f.kind) : undefined,
    f.founderId ? eq(insights.founderId, f.founderId) : undefined,
    f.minConfidence != null ? gte(insights.confidence, f.minConfidence) : undefined,
    f.createdAfter ? sql`${insights.createdAt} >= ${f.createdAfter.toISOString()}::timestamptz` : undefined,
  );
}

export const listInsights = (session: Session, page: Page, filter: InsightFilter) => listPage(session.db, insights, filterSql(filter), page);

export const loadInsight = (scope: Scope, id: string) => loadById(scope, insights, id);
