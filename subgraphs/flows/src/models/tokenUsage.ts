import { sql } from 'drizzle-orm';
import { check, index, integer, numeric, text, timestamp, unique, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { id, tenantPolicies, workspaceId } from '@chief/db';
import { flows, usageOutcome } from './schema.ts';

/**
 * Every model call (seed 004's token_usage), as a ledger: append-only like the event log. The
 * prices per million tokens are those of the price table when it was recorded, and the cost is
 * computed from them by the database. A call refused before it was made (over a hard limit) is
 * recorded too, with the tokens it asked for, its would-be cost and why. An authorized call
 * (outcome authorized, with the most output it may produce) holds its most possible cost against
 * the budgets until the recorded call that names it in `authorization_id` settles it, or until
 * it lapses (AUTHORIZATION_HOLD_MINUTES): rows are only ever added.
 */
/** How long an authorization holds its cost against the budgets when its call is never recorded. */
export const AUTHORIZATION_HOLD_MINUTES = 15;

export const tokenUsage = flows.table(
  'token_usage',
  {
    id: id(),
    workspaceId: workspaceId(),
    workflowId: uuid('workflow_id'),
    pipeline: text('pipeline'),
    model: text('model').notNull(),
    inputTokens: integer('input_tokens').notNull(),
    outputTokens: integer('output_tokens').notNull(),
    totalTokens: integer('total_tokens').generatedAlwaysAs(sql`input_tokens + output_tokens`),
    inputPricePerMillion: numeric('input_price_per_million', { precision: 12, scale: 6, mode: 'number' }).notNull(),
    outputPricePerMillion: numeric('output_price_per_million', { precision: 12, scale: 6, mode: 'number' }).notNull(),
    costUsd: numeric('cost_usd', { precision: 16, scale: 8, mode: 'number' }).generatedAlwaysAs(
      sql`(input_tokens * input_price_per_million + output_tokens * output_price_per_million) / 1000000`,
    ),
    latencyMs: integer('latency_ms'),
    authorizationId: uuid('authorization_id'),
    outcome: usageOutcome('outcome').notNull().default('recorded'),
    refusalReason: text('refusal_reason'),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [
    unique('uq_token_usage_workspace_id').on(t.workspaceId, t.id),
    uniqueIndex('uq_token_usage_authorization').on(t.authorizationId).where(sql`${t.authorizationId} is not null`),
    index('ix_token_usage_workspace_created').on(t.workspaceId, t.createdAt.desc(), t.id.desc()),
    index('ix_token_usage_workflow').on(t.workspaceId, t.workflowId, t.createdAt.desc()).where(sql`${t.workflowId} is not null`),
    check('ck_token_usage_model', sql`${t.model} ~ '^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,99}$'`),
    check('ck_token_usage_pipeline', sql`${t.pipeline} is null or ${t.pipeline} ~ '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$'`),
    check('ck_token_usage_tokens', sql`${t.inputTokens} between 0 and 10000000 and ${t.outputTokens} between 0 and 10000000`),
    check('ck_token_usage_prices', sql`${t.inputPricePerMillion} >= 0 and ${t.outputPricePerMillion} >= 0`),
    check('ck_token_usage_latency', sql`${t.latencyMs} is null or ${t.latencyMs} between 0 and 86400000`),
    check('ck_token_usage_authorization', sql`${t.authorizationId} is null or ${t.outcome} = 'recorded'`),
    check('ck_token_usage_refusal', sql`(${t.outcome} = 'refused') = (${t.refusalReason} is not null)`),
    ...tenantPolicies('token_usage', t.workspaceId, { write: 'own', ownerColumns: [t.createdBy], createdBy: t.createdBy }),
  ],
);
