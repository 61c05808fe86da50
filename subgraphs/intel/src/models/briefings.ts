import { sql } from 'drizzle-orm';
import { check, index, jsonb, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { id, tenantPolicies, timestamps, workspaceId } from '@chief/db';
import { briefingKind, briefingStatus, intel } from './schema.ts';
import { badSourceRef, sourceRefsCheck, type SourceRef } from './sourceRefs.ts';

/** One part of a briefing: a heading, its text, and the entities it cites. */
export interface BriefingSection {
  title: string;
  body: string;
  citations: SourceRef[];
}

/**
 * A founder's daily or weekly briefing for one period (one per founder, kind and period start),
 * built from seed 000's morning-brief query. `cited` is every section's citations, kept once so
 * "which briefings cite this meeting" is one GIN lookup. `delivered_at` is set exactly when delivered.
 */
export const briefings = intel.table(
  'briefings',
  {
    id: id(),
    workspaceId: workspaceId(),
    founderId: uuid('founder_id').notNull(),
    kind: briefingKind('kind').notNull(),
    periodStart: timestamp('period_start', { withTimezone: true, mode: 'date' }).notNull(),
    periodEnd: timestamp('period_end', { withTimezone: true, mode: 'date' }).notNull(),
    status: briefingStatus('status').notNull().default('draft'),
    title: text('title').notNull(),
    summary: text('summary'),
    sections: jsonb('sections').$type<BriefingSection[]>().notNull().default([]),
    cited: jsonb('cited').$type<SourceRef[]>().notNull().default([]),
    deliveredAt: timestamp('delivered_at', { withTimezone: true, mode: 'date' }),
    createdBy: uuid('created_by'),
    ...timestamps(),
  },
  (t) => [
    unique('uq_briefings_founder_period').on(t.workspaceId, t.founderId, t.kind, t.periodStart),
    index('ix_briefings_workspace_founder_period').on(t.workspaceId, t.founderId, t.periodStart.desc(), t.id.desc()),
    index('ix_briefings_workspace_created').on(t.workspaceId, t.createdAt.desc(), t.id.desc()),
    index('ix_briefings_cited').using('gin', sql`${t.cited} jsonb_path_ops`),
    check('ck_briefings_title', sql`char_length(btrim(${t.title})) between 1 and 300`),
    check('ck_briefings_summary', sql`${t.summary} is null or char_length(${t.summary}) <= 20000`),
    check('ck_briefings_period', sql`${t.periodEnd} > ${t.periodStart} and ${t.periodEnd} - ${t.periodStart} <= interval '31 days'`),
    check('ck_briefings_delivered', sql`(${t.status} = 'delivered') = (${t.deliveredAt} is not null)`),
    check(
      'ck_briefings_sections',
      sql`jsonb_typeof(${t.sections}) = 'array' and jsonb_array_length(${t.sections}) <= 20
        and not jsonb_path_exists(${t.sections}, '$[*] ? (@.type() != "object" || !exists(@.title) || @.title.type() != "string" || !exists(@.body) || @.body.type() != "string" || !exists(@.citations) || @.citations.type() != "array")')
        and not jsonb_path_exists(${t.sections}, ${sql.raw(`'${badSourceRef('$[*].citations[*]')}'`)})
        and octet_length(${t.sections}::text) <= 200000`,
    ),
    check('ck_briefings_cited', sourceRefsCheck(t.cited, 400)),
    // A founder's own briefings are theirs to read on and mark, whoever wrote them.
    ...tenantPolicies('briefings', t.workspaceId, { write: 'own', ownerColumns: [t.createdBy], createdBy: t.createdBy, ownedWhen: sql`${t.founderId} in (select auth.caller_founder_ids())` }),
  ],
);
