import { sql } from 'drizzle-orm';
import { boolean, check, index, integer, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { id, tenantPolicies, timestamps, workspaceId } from '@chief/db';
import { approvalDecision, flows, workflowKind, workflowStage } from './schema.ts';

/**
 * A run of agents for the founder (seed 004's workflow): what was asked, the stage it is at, who
 * approved its plan, and how it ended. `generation` counts resumes: a checkpoint names the
 * generation that wrote it, so a runner that was resumed past is fenced off. `meeting_id` is the
 * meeting a pipeline ran for. A workflow without approval (`requires_approval` false) is started
 * only by admins and Chief's own pipelines: the database refuses it to everyone else.
 */
export const workflows = flows.table(
  'workflows',
  {
    id: id(),
    workspaceId: workspaceId(),
    founderId: uuid('founder_id'),
    meetingId: uuid('meeting_id'),
    kind: workflowKind('kind').notNull().default('custom'),
    name: text('name').notNull(),
    description: text('description'),
    objective: text('objective').notNull(),
    stage: workflowStage('stage').notNull().default('planning'),
    requiresApproval: boolean('requires_approval').notNull().default(true),
    orchestrator: text('orchestrator'),
    approvalDecision: approvalDecision('approval_decision'),
    approvalComment: text('approval_comment'),
    decidedByMemberId: uuid('decided_by_member_id'),
    decidedAt: timestamp('decided_at', { withTimezone: true, mode: 'date' }),
    generation: integer('generation').notNull().default(1),
    resultSummary: text('result_summary'),
    failureReason: text('failure_reason'),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
    createdBy: uuid('created_by'),
    ...timestamps(),
  },
  (t) => [
    unique('uq_workflows_workspace_id').on(t.workspaceId, t.id),
    index('ix_workflows_workspace_created').on(t.workspaceId, t.createdAt.desc(), t.id.desc()),
    index('ix_workflows_workspace_stage').on(t.workspaceId, t.stage, t.createdAt.desc()),
    index('ix_workflows_meeting').on(t.workspaceId, t.meetingId).where(sql`${t.meetingId} is not null`),
    check('ck_workflows_name', sql`char_length(btrim(${t.name})) between 1 and 200`),
    check('ck_workflows_description', sql`${t.description} is null or char_length(${t.description}) <= 5000`),
    check('ck_workflows_objective', sql`char_length(btrim(${t.objective})) between 1 and 20000`),
    check('ck_workflows_orchestrator', sql`${t.orchestrator} is null or char_length(${t.orchestrator}) between 1 and 200`),
    check('ck_workflows_result_summary', sql`${t.resultSummary} is null or char_length(${t.resultSummary}) <= 20000`),
    check('ck_workflows_failure_reason', sql`(${t.failureReason} is not null) = (${t.stage} = 'failed') and (${t.failureReason} is null or char_length(${t.failureReason}) between 1 and 5000)`),
    check('ck_workflows_finished', sql`(${t.finishedAt} is not null) = (${t.stage} in ('completed', 'failed', 'cancelled'))`),
    check('ck_workflows_decision', sql`(${t.approvalDecision} is null) = (${t.decidedAt} is null) and (${t.approvalComment} is null or char_length(${t.approvalComment}) <= 5000)`),
    check('ck_workflows_generation', sql`${t.generation} >= 1`),
    // A founder's workflows are theirs to follow and steer, whoever started them.
    ...tenantPolicies('workflows', t.workspaceId, { write: 'own', ownerColumns: [t.createdBy], createdBy: t.createdBy, ownedWhen: sql`${t.founderId} in (select auth.caller_founder_ids())` }),
  ],
);
