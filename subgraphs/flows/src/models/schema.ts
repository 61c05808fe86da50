import { pgSchema } from 'drizzle-orm/pg-core';

/** Postgres schema of the flows domain: what agents run for the founder, step by step, and what it costs. */
export const flows = pgSchema('flows');

/**
 * Seed 004's stages: planning → pending_approval → orchestrating → building → reviewing →
 * completed, or failed | cancelled from any stage before the end. The database checks each step.
 */
export const workflowStage = flows.enum('workflow_stage', [
  'planning', 'pending_approval', 'orchestrating', 'building', 'reviewing', 'completed', 'failed', 'cancelled',
]);
/** What runs it: one of Chief's own pipelines, or an agent of the workspace's (a partner's). */
export const workflowKind = flows.enum('workflow_kind', ['custom', 'meeting_ingestion', 'daily_briefing', 'relationship_scoring', 'nudges']);
export const approvalDecision = flows.enum('approval_decision', ['approved', 'rejected']);
export const nodeType = flows.enum('node_type', ['agent', 'task', 'integration', 'decision']);
export const nodeStatus = flows.enum('node_status', ['pending', 'running', 'success', 'error', 'warning', 'skipped']);
/**
 * A model call happened (recorded), was refused before it was made (over a hard limit), or was
 * authorized: its most possible cost is held against the budgets until the call is recorded.
 */
export const usageOutcome = flows.enum('usage_outcome', ['recorded', 'refused', 'authorized']);
