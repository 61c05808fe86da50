import { sql } from 'drizzle-orm';
import { check, numeric, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, ownedThrough, tenantPolicies, timestamps, workspaceId } from '@chief/db';
import { flows } from './schema.ts';

/**
 * Spending limits on model calls. The workspace's row (no workflow) limits a calendar month (UTC)
 * and may give every workflow a default limit; a workflow's row limits that workflow's whole run.
 * Crossing `warn_ratio` of a limit raises one budget_warning notification; a call that would pass
 * the limit is refused before it is made. Set by people (admins for the workspace, a workflow's
 * owner for it), never by API keys: a limit is what holds an agent back.
 */
export const budgets = flows.table(
  'budgets',
  {
    id: id(),
    workspaceId: workspaceId(),
    workflowId: uuid('workflow_id'),
    limitUsd: numeric('limit_usd', { precision: 12, scale: 4, mode: 'number' }),
    workflowLimitUsd: numeric('workflow_limit_usd', { precision: 12, scale: 4, mode: 'number' }),
    warnRatio: numeric('warn_ratio', { precision: 3, scale: 2, mode: 'number' }).notNull().default(0.8),
    createdBy: uuid('created_by'),
    ...timestamps(),
  },
  (t) => [
    uniqueIndex('uq_budgets_workspace').on(t.workspaceId).where(sql`${t.workflowId} is null`),
    uniqueIndex('uq_budgets_workflow').on(t.workflowId).where(sql`${t.workflowId} is not null`),
    // Named by column, so a refusal points at the input field (a workflow's row needs its limit).
    check('ck_budgets_limit_usd', sql`(${t.limitUsd} is null or ${t.limitUsd} > 0) and (${t.workflowId} is null or ${t.limitUsd} is not null)`),
    check('ck_budgets_workflow_limit_usd', sql`${t.workflowLimitUsd} is null or (${t.workflowLimitUsd} > 0 and ${t.workflowId} is null)`),
    check('ck_budgets_warn_ratio', sql`${t.warnRatio} > 0 and ${t.warnRatio} < 1`),
    // The workspace's row (no workflow) is owned by nobody: admins only.
    ...tenantPolicies('budgets', t.workspaceId, { write: 'own', insert: 'owned', keysWrite: false, createdBy: t.createdBy, ownedWhen: ownedThrough('flows.workflows', t.workflowId) }),
  ],
);
