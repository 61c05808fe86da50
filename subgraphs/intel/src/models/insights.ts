import { sql } from 'drizzle-orm';
import { check, index, jsonb, numeric, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { id, searchIndexColumns, searchIndexRules, searchTerms, weightedWords, tenantPolicies, timestamps, workspaceId } from '@chief/db';
import { insightKind, insightStatus, intel } from './schema.ts';
import { sourceRefsCheck, type SourceRef } from './sourceRefs.ts';

/** Seed 000's insight content: what was found, in what terms, and what to do about it. */
export interface InsightContent {
  summary: string;
  details?: string | null;
  /** Named figures, e.g. `{ "current_cac": 145.5 }`. */
  metrics: Record<string, number>;
  recommendations: string[];
}

/**
 * Something Chief noticed, with how sure it is (confidence 0..1), how much it matters (impact
 * 0..1), where it stands (active → acknowledged | dismissed | expired, each step checked by the
 * database) and the entities behind it. `embedding` is filled by the search pipeline.
 */
export const insights = intel.table(
  'insights',
  {
    id: id(),
    workspaceId: workspaceId(),
    founderId: uuid('founder_id'),
    kind: insightKind('kind').notNull(),
    title: text('title').notNull(),
    content: jsonb('content').$type<InsightContent>().notNull(),
    confidence: numeric('confidence', { precision: 3, scale: 2, mode: 'number' }).notNull(),
    impactScore: numeric('impact_score', { precision: 3, scale: 2, mode: 'number' }).notNull().default(0.5),
    status: insightStatus('status').notNull().default('active'),
    evidence: jsonb('evidence').$type<SourceRef[]>().notNull().default([]),
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }),
    statusChangedAt: timestamp('status_changed_at', { withTimezone: true, mode: 'date' }),
    ...searchIndexColumns(),
    searchTerms: searchTerms(weightedWords({ A: ['"title"'], B: [`"content"->>'summary'`], C: [`"content"->>'details'`, `core.search_words("content"->'recommendations')`] })),
    createdBy: uuid('created_by'),
    ...timestamps(),
  },
  (t) => [
    unique('uq_insights_workspace_id').on(t.workspaceId, t.id),
    index('ix_insights_workspace_created').on(t.workspaceId, t.createdAt.desc(), t.id.desc()),
    // The morning brief's section: a founder's active insights, best first.
    index('ix_insights_founder_active').on(t.workspaceId, t.founderId, t.createdAt.desc()).where(sql`${t.status} = 'active'`),
    index('ix_insights_evidence').using('gin', sql`${t.evidence} jsonb_path_ops`),
    index('ix_insights_embedding').using('hnsw', t.embedding.op('vector_cosine_ops')),
    ...searchIndexRules('insights', t),
    check('ck_insights_title', sql`char_length(btrim(${t.title})) between 1 and 300`),
    check('ck_insights_confidence_range', sql`${t.confidence} between 0 and 1`),
    check('ck_insights_impact_range', sql`${t.impactScore} between 0 and 1`),
    check(
      'ck_insights_content',
      sql`jsonb_typeof(${t.content}) = 'object'
        and jsonb_typeof(${t.content}->'summary') = 'string' and char_length(btrim(${t.content}->>'summary')) between 1 and 2000
        and coalesce(jsonb_typeof(${t.content}->'details'), 'null') in ('string', 'null')
        and jsonb_typeof(${t.content}->'metrics') = 'object' and not jsonb_path_exists(${t.content}->'metrics', '$.* ? (@.type() != "number")')
        and jsonb_typeof(${t.content}->'recommendations') = 'array' and jsonb_array_length(${t.content}->'recommendations') <= 20
        and not jsonb_path_exists(${t.content}->'recommendations', '$[*] ? (@.type() != "string")')
        and octet_length(${t.content}::text) <= 50000`,
    ),
    check('ck_insights_evidence', sourceRefsCheck(t.evidence, 50)),
    ...tenantPolicies('insights', t.workspaceId, { write: 'own', ownerColumns: [t.createdBy], createdBy: t.createdBy, ownedWhen: sql`${t.founderId} in (select auth.caller_founder_ids())` }),
  ],
);
