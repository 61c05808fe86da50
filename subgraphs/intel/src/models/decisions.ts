import { sql } from 'drizzle-orm';
import { check, index, jsonb, text, timestamp, uuid } from 'drizzle-orm/pg-core';
import { id, tenantPolicies, timestamps, workspaceId } from '@chief/db';
import { intel } from './schema.ts';

/** One way a decision could go. */
export interface DecisionOption {
  key: string;
  label: string;
  pros: string[];
  cons: string[];
}

/**
 * A question put to the founder, its options, and once decided the chosen option, the rationale,
 * who decided and when (all set together, or none). `insight_ids` are the insights it rests on.
 */
export const decisions = intel.table(
  'decisions',
  {
    id: id(),
    workspaceId: workspaceId(),
    founderId: uuid('founder_id'),
    question: text('question').notNull(),
    context: text('context'),
    options: jsonb('options').$type<DecisionOption[]>().notNull(),
    chosenOption: text('chosen_option'),
    rationale: text('rationale'),
    decidedByMemberId: uuid('decided_by_member_id'),
    decidedAt: timestamp('decided_at', { withTimezone: true, mode: 'date' }),
    insightIds: uuid('insight_ids').array().notNull().default(sql`'{}'::uuid[]`),
    createdBy: uuid('created_by'),
    ...timestamps(),
  },
  (t) => [
    index('ix_decisions_workspace_created').on(t.workspaceId, t.createdAt.desc(), t.id.desc()),
    index('ix_decisions_insight_ids').using('gin', t.insightIds),
    check('ck_decisions_question', sql`char_length(btrim(${t.question})) between 1 and 1000`),
    check('ck_decisions_context', sql`${t.context} is null or char_length(${t.context}) <= 20000`),
    check('ck_decisions_rationale', sql`${t.rationale} is null or char_length(${t.rationale}) <= 20000`),
    check(
      'ck_decisions_options',
      sql`jsonb_typeof(${t.options}) = 'array' and jsonb_array_length(${t.options}) between 2 and 20
        and not jsonb_path_exists(${t.options}, '$[*] ? (@.type() != "object" || !exists(@.key) || @.key.type() != "string" || !exists(@.label) || @.label.type() != "string")')
        and octet_length(${t.options}::text) <= 50000`,
    ),
    check('ck_decisions_decided', sql`(${t.chosenOption} is null) = (${t.decidedAt} is null) and (${t.chosenOption} is not null or (${t.rationale} is null and ${t.decidedByMemberId} is null))`),
    check('ck_decisions_chosen_option', sql`${t.chosenOption} is null or jsonb_path_exists(${t.options}, '$[*] ? (@.key == $k)', jsonb_build_object('k', ${t.chosenOption}))`),
    check('ck_decisions_insight_ids', sql`cardinality(${t.insightIds}) <= 50`),
    ...tenantPolicies('decisions', t.workspaceId, { write: 'own', ownerColumns: [t.createdBy], createdBy: t.createdBy, ownedWhen: sql`${t.founderId} in (select auth.caller_founder_ids())` }),
  ],
);
