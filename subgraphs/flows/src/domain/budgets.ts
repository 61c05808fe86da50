import { eq, isNull, sql } from 'drizzle-orm';
import { z } from 'zod';
import {
  appendEvent, badUserInput, forbidden, parseId, parseInput, refuseWrite, requireRole, withSession, type RequestSession, type Session,
} from '@chief/runtime';
import { budgets, tokenUsage, workflows } from '../models/index.ts';

export type BudgetRow = typeof budgets.$inferSelect;

/** One limit that applies to a call: the workspace's month, or the workflow's whole run. */
export interface Limit {
  scope: 'workspace' | 'workflow';
  limitUsd: number;
  warnRatio: number;
  spentUsd: number;
  /** What makes its notifications once per crossing: the period (or workflow) and the limit. */
  dedupKey: string;
}

/** A budget as the API shows it: the limit that applies, what was spent against it, and where it stands. */
export interface BudgetView {
  id: string | null;
  scope: 'workspace' | 'workflow';
  workflowId: string | null;
  limitUsd: number | null;
  workflowLimitUsd: number | null;
  warnRatio: number;
  spentUsd: number;
  periodStart: Date | null;
  periodEnd: Date | null;
}

export const DEFAULT_WARN_RATIO = 0.8;

/** The calendar month (UTC) that a workspace's limit covers. */
export function monthOf(now = new Date()) {
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
  const end = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
  return { start, end, label: start.toISOString().slice(0, 7) };
}

/** What was recorded (not refused) this month in the workspace, and on the workflow: one statement. */
async function spent(session: Session, workflowId: string | null, monthStart: Date) {
  const [row] = await session.db
    .select({
      month: sql<string>`coalesce(sum(${tokenUsage.costUsd}) filter (where ${tokenUsage.createdAt} >= ${monthStart.toISOString()}), 0)`,
      workflow: sql<string>`coalesce(sum(${tokenUsage.costUsd}) filter (where ${tokenUsage.workflowId} = ${workflowId}), 0)`,
    })
    .from(tokenUsage)
    .where(sql`${tokenUsage.outcome} = 'recorded' and (${tokenUsage.createdAt} >= ${monthStart.toISOString()} or ${tokenUsage.workflowId} = ${workflowId})`);
  return { month: Number(row?.month ?? 0), workflow: Number(row?.workflow ?? 0) };
}

async function budgetRows(session: Session, workflowId: string | null) {
  const rows = await session.db.select().from(budgets).where(workflowId ? sql`${budgets.workflowId} is null or ${budgets.workflowId} = ${workflowId}` : isNull(budgets.workflowId));
  return { workspace: rows.find((r) => r.workflowId === null) ?? null, workflow: rows.find((r) => r.workflowId !== null) ?? null };
}

/**
 * The limits a call on `workflowId` is held to, with what was spent against each. Callers that
 * spend hold the workspace's budget lock first (lockBudgets), so two calls never both slip under
 * a limit or both see themselves cross a threshold.
 */
export async function limitsFor(session: Session, workflowId: string | null): Promise<Limit[]> {
  const month = monthOf();
  const [rows, used] = [await budgetRows(session, workflowId), await spent(session, workflowId, month.start)];
  const limits: Limit[] = [];
  const ws = rows.workspace;
  if (ws?.limitUsd) limits.push({ scope: 'workspace', limitUsd: ws.limitUsd, warnRatio: ws.warnRatio, spentUsd: used.month, dedupKey: `workspace:${month.label}:${ws.limitUsd}` });
  const workflowLimit = rows.workflow?.limitUsd ?? ws?.workflowLimitUsd ?? null;
  if (workflowId && workflowLimit) {
    limits.push({
      scope: 'workflow', limitUsd: workflowLimit, warnRatio: rows.workflow?.warnRatio ?? ws?.warnRatio ?? DEFAULT_WARN_RATIO, spentUsd: used.workflow,
      dedupKey: `workflow:${workflowId}:${workflowLimit}`,
    });
  }
  return limits;
}

/** Serializes spending in a workspace for the rest of the transaction. */
export const lockBudgets = (session: Session) =>
  session.db.execute(sql`select pg_advisory_xact_lock(hashtextextended('flows.budget:' || ${session.identity.workspaceId}, 0))`);

/** The workspace's budget, or a workflow's (its own limit, or the workspace's default for every workflow). */
export async function budgetOf(scope: { session: RequestSession }, workflowId: string | null): Promise<BudgetView> {
  return withSession(scope, async (session) => {
    const month = monthOf();
    const [rows, used] = [await budgetRows(session, workflowId), await spent(session, workflowId, month.start)];
    const ws = rows.workspace;
    if (!workflowId) {
      return {
        id: ws?.id ?? null, scope: 'workspace', workflowId: null, limitUsd: ws?.limitUsd ?? null, workflowLimitUsd: ws?.workflowLimitUsd ?? null,
        warnRatio: ws?.warnRatio ?? DEFAULT_WARN_RATIO, spentUsd: used.month, periodStart: month.start, periodEnd: month.end,
      };
    }
    const own = rows.workflow;
    return {
      id: own?.id ?? null, scope: 'workflow', workflowId, limitUsd: own?.limitUsd ?? ws?.workflowLimitUsd ?? null, workflowLimitUsd: null,
      warnRatio: own?.warnRatio ?? ws?.warnRatio ?? DEFAULT_WARN_RATIO, spentUsd: used.workflow, periodStart: null, periodEnd: null,
    };
  });
}

const money = z.number().positive('must be more than 0').max(1_000_000);
const setBudgetInput = z.object({
  workflowId: z.uuid('must be an id').nullish(),
  limitUsd: money.nullish(),
  workflowLimitUsd: money.nullish(),
  warnRatio: z.number().gt(0, 'must be between 0 and 1').lt(1, 'must be between 0 and 1').nullish(),
});

/**
 * Sets the workspace's budget (admins: a monthly limit, a default limit for every workflow, the
 * warning ratio) or one workflow's (who may change the workflow: its limit and warning ratio). A
 * null limit removes it. People only: an API key cannot loosen the limits that hold it.
 */
export async function setBudget(request: RequestSession, rawInput: unknown): Promise<{ workflowId: string | null }> {
  const input = parseInput(setBudgetInput, rawInput);
  const workflowId = input.workflowId ?? null;
  if (workflowId && input.workflowLimitUsd != null) throw badUserInput('input.workflowLimitUsd', 'input.workflowLimitUsd is the workspace\'s default for every workflow; give a workflow its own input.limitUsd');
  if (workflowId && input.limitUsd == null) throw badUserInput('input.limitUsd', 'input.limitUsd is required for a workflow\'s budget (remove it with removeWorkflowBudget)');
  return request.mutate(async (session) => {
    if (session.identity.kind === 'apiKey') throw forbidden('API keys cannot set budgets: a person does');
    requireRole(session, workflowId ? 'member' : 'admin');
    if (workflowId) {
      const [workflow] = await session.db.select({ id: workflows.id }).from(workflows).where(eq(workflows.id, workflowId));
      if (!workflow) return refuseWrite(session, workflows, 'Workflow', workflowId);
    }
    const values = {
      limitUsd: input.limitUsd ?? null,
      workflowLimitUsd: input.workflowLimitUsd ?? null,
      ...(input.warnRatio != null ? { warnRatio: input.warnRatio } : {}),
    };
    const [row] = await session.db
      .insert(budgets)
      .values({ workspaceId: session.identity.workspaceId!, workflowId, ...values, createdBy: session.memberId })
      .onConflictDoUpdate({
        target: workflowId ? [budgets.workflowId] : [budgets.workspaceId],
        targetWhere: workflowId ? sql`${budgets.workflowId} is not null` : sql`${budgets.workflowId} is null`,
        set: values,
      })
      .returning();
    if (!row) return refuseWrite(session, budgets, 'Budget', workflowId ?? session.identity.workspaceId!);
    await appendEvent(session, workflowId
      ? { type: 'flows.workflow.budget_set', entityId: workflowId, payload: { limitUsd: row.limitUsd, warnRatio: row.warnRatio } }
      : { type: 'flows.workspace.budget_set', entityId: row.workspaceId, payload: { limitUsd: row.limitUsd, workflowLimitUsd: row.workflowLimitUsd, warnRatio: row.warnRatio } });
    return { workflowId };
  });
}

/** Removes a workflow's own limit: the workspace's default for every workflow applies again. */
export async function removeWorkflowBudget(request: RequestSession, rawWorkflowId: unknown): Promise<{ workflowId: string }> {
  const workflowId = parseId(rawWorkflowId, 'workflowId');
  return request.mutate(async (session) => {
    if (session.identity.kind === 'apiKey') throw forbidden('API keys cannot set budgets: a person does');
    requireRole(session, 'member');
    const [workflow] = await session.db.select({ id: workflows.id }).from(workflows).where(eq(workflows.id, workflowId));
    if (!workflow) return refuseWrite(session, workflows, 'Workflow', workflowId);
    const removed = await session.db.delete(budgets).where(eq(budgets.workflowId, workflowId)).returning({ id: budgets.id });
    if (removed.length) await appendEvent(session, { type: 'flows.workflow.budget_set', entityId: workflowId, payload: { limitUsd: null, warnRatio: null } });
    return { workflowId };
  });
}
