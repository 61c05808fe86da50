import { and, desc, eq, inArray, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import {
  anyUuid, appendEvent, badUserInput, byKey, conflict, forbidden, hasRole, listPage, parseId, parseInput, refuseWrite, requireRole, withSession,
  type LoaderRegistry, type Page, type RequestSession, type Session,
} from '@chief/runtime';
import { workflowKind, workflowStage, workflows } from '../models/index.ts';

export type Workflow = typeof workflows.$inferSelect;
export type WorkflowStage = Workflow['stage'];
type Scope = { session: RequestSession; loaders: LoaderRegistry };

/** The stages a workflow ends in: it no longer moves, and its map and checkpoints no longer change. */
export const ENDED: ReadonlySet<WorkflowStage> = new Set(['completed', 'failed', 'cancelled']);

const createWorkflowInput = z.object({
  name: z.string().trim().min(1, 'must not be empty').max(200),
  objective: z.string().trim().min(1, 'must not be empty').max(20_000),
  description: z.string().max(5000).nullish(),
  kind: z.enum(workflowKind.enumValues).nullish(),
  founderId: z.uuid('must be an id').nullish(),
  meetingId: z.uuid('must be an id').nullish(),
  requiresApproval: z.boolean().nullish(),
  orchestrator: z.string().trim().min(1, 'must not be empty').max(200).nullish(),
});
const moveWorkflowInput = z.object({
  stage: z.enum(workflowStage.enumValues),
  failureReason: z.string().trim().min(1, 'must not be empty').max(5000).nullish(),
  resultSummary: z.string().max(20_000).nullish(),
});
const decisionComment = z.string().trim().max(5000).nullish();

/** Starts a workflow in planning (the database allows no other start). */
export async function createWorkflow(request: RequestSession, rawInput: unknown): Promise<Workflow> {
  const input = parseInput(createWorkflowInput, rawInput);
  return request.mutate(async (session) => {
    requireRole(session, 'member');
    // A plan nobody approves runs unseen: admins and Chief's own pipelines only (the database holds this too).
    if (input.requiresApproval === false && session.identity.kind !== 'service' && !hasRole(session, 'admin')) {
      throw forbidden('Only admins start a workflow without approval (requiresApproval: false); leave it out to have its plan approved');
    }
    const [row] = await session.db
      .insert(workflows)
      .values({
        workspaceId: session.identity.workspaceId!,
        founderId: input.founderId ?? null,
        meetingId: input.meetingId ?? null,
        kind: input.kind ?? 'custom',
        name: input.name,
        objective: input.objective,
        description: input.description ?? null,
        requiresApproval: input.requiresApproval ?? true,
        orchestrator: input.orchestrator ?? null,
        createdBy: session.memberId,
      })
      .returning();
    await appendEvent(session, {
      type: 'flows.workflow.created', entityId: row!.id,
      payload: { kind: row!.kind, stage: row!.stage, requiresApproval: row!.requiresApproval, meetingId: row!.meetingId },
      links: row!.meetingId ? [{ linkType: 'references', entityType: 'meeting', entityId: row!.meetingId }] : [],
    });
    return row!;
  });
}

/** The workflow locked for a change, or the refusal that says why the caller cannot change it. */
export async function lockWorkflow(session: Session, workflowId: string, field = 'id'): Promise<Workflow> {
  const [row] = await session.db.select().from(workflows).where(eq(workflows.id, workflowId)).for('update');
  if (!row) return refuseWrite(session, workflows, 'Workflow', workflowId);
  if (ENDED.has(row.stage)) throw conflict(`This workflow has ended (${row.stage}) and no longer changes`, { field });
  return row;
}

/** The columns that follow a stage: when it started running and when it ended. */
const stamps = (current: Workflow, stage: WorkflowStage) => ({
  ...(stage === 'orchestrating' && !current.startedAt ? { startedAt: new Date() } : {}),
  ...(ENDED.has(stage) ? { finishedAt: new Date() } : {}),
});

/**
 * Moves a workflow to another stage; the database checks the step (seed 004's machine) and a
 * refused one is a CONFLICT on input.stage naming both stages. Failing needs a reason. Moving to
 * the stage it is in changes nothing.
 */
export async function moveWorkflow(request: RequestSession, rawId: unknown, rawInput: unknown): Promise<Workflow> {
  const workflowId = parseId(rawId);
  const input = parseInput(moveWorkflowInput, rawInput);
  if (input.stage === 'failed' && !input.failureReason) throw badUserInput('input.failureReason', 'input.failureReason is required to fail a workflow');
  if (input.stage !== 'failed' && input.failureReason) throw badUserInput('input.failureReason', 'input.failureReason is only for the failed stage');
  if (input.resultSummary && input.stage !== 'completed') throw badUserInput('input.resultSummary', 'input.resultSummary is only for the completed stage');
  return request.mutate(async (session) => {
    requireRole(session, 'member');
    const [current] = await session.db.select().from(workflows).where(eq(workflows.id, workflowId)).for('update');
    if (!current) return refuseWrite(session, workflows, 'Workflow', workflowId);
    if (current.stage === input.stage) return current;
    const [row] = await session.db
      .update(workflows)
      .set({
        stage: input.stage,
        failureReason: input.failureReason ?? null,
        ...(input.resultSummary != null ? { resultSummary: input.resultSummary } : {}),
        // A plan sent back for changes waits for a new decision.
        ...(input.stage === 'planning' ? { approvalDecision: null, approvalComment: null, decidedByMemberId: null, decidedAt: null } : {}),
        ...stamps(current, input.stage),
      })
      .where(eq(workflows.id, workflowId))
      .returning();
    if (!row) return refuseWrite(session, workflows, 'Workflow', workflowId);
    await appendEvent(session, { type: 'flows.workflow.stage_changed', entityId: workflowId, payload: { from: current.stage, to: row.stage } });
    return row;
  });
}

/**
 * A person's decision on a plan waiting in pending_approval: approved, it moves on to
 * orchestrating; rejected, it is cancelled. It takes an admin (or the owner), and a person: API
 * keys and the agents that hold them cannot approve their own plans.
 */
async function decideWorkflow(request: RequestSession, rawId: unknown, decision: 'approved' | 'rejected', rawComment: unknown): Promise<Workflow> {
  const workflowId = parseId(rawId);
  const comment = parseInput(decisionComment, rawComment, decision === 'approved' ? 'comment' : 'reason');
  return request.mutate(async (session) => {
    requireRole(session, 'admin');
    const current = await lockWorkflow(session, workflowId);
    if (current.stage !== 'pending_approval') throw conflict(`This workflow is not waiting for approval (it is in ${current.stage})`, { field: 'id' });
    const stage = decision === 'approved' ? 'orchestrating' : 'cancelled';
    const [row] = await session.db
      .update(workflows)
      .set({
        approvalDecision: decision, approvalComment: comment || null, decidedByMemberId: session.memberId, decidedAt: new Date(), stage, ...stamps(current, stage),
      })
      .where(eq(workflows.id, workflowId))
      .returning();
    if (!row) return refuseWrite(session, workflows, 'Workflow', workflowId);
    await appendEvent(session, { type: `flows.workflow.${decision}`, entityId: workflowId, payload: { from: current.stage, to: row.stage } });
    return row;
  });
}

export const approveWorkflow = (request: RequestSession, id: unknown, comment: unknown) => decideWorkflow(request, id, 'approved', comment);
export const rejectWorkflow = (request: RequestSession, id: unknown, reason: unknown) => decideWorkflow(request, id, 'rejected', reason);

const workflowFilter = z
  .object({
    stage: z.array(z.enum(workflowStage.enumValues)).nullish(),
    kind: z.array(z.enum(workflowKind.enumValues)).nullish(),
    founderId: z.uuid('must be an id').nullish(),
    meetingId: z.uuid('must be an id').nullish(),
  })
  .nullish();

export type WorkflowFilter = z.infer<typeof workflowFilter>;
export const parseWorkflowFilter = (raw: unknown): WorkflowFilter => parseInput(workflowFilter, raw, 'filter');

function filterSql(f: WorkflowFilter): SQL | undefined {
  if (!f) return undefined;
  return and(
    f.stage?.length ? inArray(workflows.stage, f.stage) : undefined,
    f.kind?.length ? inArray(workflows.kind, f.kind) : undefined,
    f.founderId ? eq(workflows.founderId, f.founderId) : undefined,
    f.meetingId ? eq(workflows.meetingId, f.meetingId) : undefined,
  );
}

/** The workspace's workflows, newest first. */
export const listWorkflows = (session: Session, page: Page, filter: WorkflowFilter) => listPage(session.db, workflows, filterSql(filter), page);

/** The latest workflow run for each meeting asked for in the request, in one statement. */
export function workflowOfMeeting(scope: Scope, meetingId: string): Promise<Workflow | null> {
  return scope.loaders
    .get<string, Workflow | null>('flows.workflows:meeting', async (ids) => {
      const rows = await withSession(scope, ({ db }) =>
        db.selectDistinctOn([workflows.meetingId]).from(workflows).where(anyUuid(workflows.meetingId, ids)).orderBy(workflows.meetingId, desc(workflows.createdAt), desc(workflows.id)),
      );
      return byKey(ids, rows, (r) => r.meetingId!);
    })
    .load(meetingId);
}
