import { eq, isNull, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import {
  anyUuid, appendEvent, badUserInput, forbidden, hasRole, parseId, parseInput, refuseWrite, requireChanges, requireRole, withSession,
  type LoaderRegistry, type RequestSession, type Session,
} from '@chief/runtime';
import { AUTHORIZATION_HOLD_MINUTES, budgets, tokenUsage, workflows } from '../models/index.ts';
import { dollars } from './prices.ts';

type Scope = { session: RequestSession; loaders: LoaderRegistry };

/** One limit that applies to a call: the workspace's month, or the workflow's whole run. */
export interface Limit {
  scope: 'workspace' | 'workflow';
  limitUsd: number;
  warnRatio: number;
  /** What recorded calls cost against it. */
  spentUsd: number;
  /** The most that authorized calls not yet recorded may cost: held until they are. */
  heldUsd: number;
  /** What makes its notifications once per crossing: the period (or workflow) and the limit. */
  dedupKey: string;
}

/** A budget as the API shows it: the limit that applies, what was spent and held against it, and where it stands. */
export interface BudgetView {
  id: string | null;
  scope: 'workspace' | 'workflow';
  workflowId: string | null;
  limitUsd: number | null;
  workflowLimitUsd: number | null;
  warnRatio: number;
  spentUsd: number;
  heldUsd: number;
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

// An authorization holds its cost until a recorded call names it, or until it lapses.
const recorded = sql`${tokenUsage.outcome} = 'recorded'`;
const holding = sql`(${tokenUsage.outcome} = 'authorized'
  and ${tokenUsage.createdAt} > now() - ${sql.raw(`interval '${AUTHORIZATION_HOLD_MINUTES} minutes'`)}
  and not exists (select 1 from ${tokenUsage} settled where settled.authorization_id = ${tokenUsage.id}))`;
const dollarsOf = (when: SQL) => sql<string>`coalesce(sum(${tokenUsage.costUsd}) filter (where ${when}), 0)`;

interface Spending { spentUsd: number; heldUsd: number }
const NOTHING: Spending = { spentUsd: 0, heldUsd: 0 };

/** The workspace's budget row and those of `workflowIds`, in one statement. */
async function budgetRows(session: Session, workflowIds: readonly string[]) {
  const rows = await session.db.select().from(budgets)
    .where(workflowIds.length ? sql`${budgets.workflowId} is null or ${anyUuid(budgets.workflowId, workflowIds)}` : isNull(budgets.workflowId));
  return {
    workspace: rows.find((r) => r.workflowId === null) ?? null,
    own: (workflowId: string) => rows.find((r) => r.workflowId === workflowId) ?? null,
  };
}

/**
 * What the workspace's budgets stand at, for the month and for each of `workflowIds`: the
 * budget rows in one statement, and the money spent and held in another, whatever the count.
 */
async function standings(session: Session, workflowIds: readonly string[]) {
  const month = monthOf();
  const rows = await budgetRows(session, workflowIds);
  const sums = await session.db
    .select({
      workflowId: sql<string | null>`null::uuid`.as('workflow_id'),
      spent: dollarsOf(recorded).as('spent'),
      held: dollarsOf(holding).as('held'),
    })
    .from(tokenUsage)
    // Holds from the month before still hold: their calls are recorded in this one.
    .where(sql`(${tokenUsage.outcome} = 'recorded' and ${tokenUsage.createdAt} >= ${month.start.toISOString()}) or ${holding}`)
    .unionAll(
      session.db
        .select({ workflowId: tokenUsage.workflowId, spent: dollarsOf(recorded), held: dollarsOf(holding) })
        .from(tokenUsage)
        .where(sql`${tokenUsage.outcome} in ('recorded', 'authorized') and ${anyUuid(tokenUsage.workflowId, workflowIds)}`)
        .groupBy(tokenUsage.workflowId),
    );
  const spending = (r: { spent: string; held: string } | undefined): Spending => (r ? { spentUsd: Number(r.spent), heldUsd: Number(r.held) } : NOTHING);
  return {
    month,
    ...rows,
    monthSpending: spending(sums.find((r) => r.workflowId === null)),
    spendingOf: (workflowId: string) => spending(sums.find((r) => r.workflowId === workflowId)),
  };
}
type Standings = Awaited<ReturnType<typeof standings>>;

/** The limit in force for a workflow: its own, or else the workspace's default for every workflow. */
const workflowLimitOf = (s: Pick<Standings, 'workspace' | 'own'>, workflowId: string) => s.own(workflowId)?.limitUsd ?? s.workspace?.workflowLimitUsd ?? null;

/**
 * The limits a call on `workflowId` is held to, with what was spent and held against each.
 * Callers that spend hold the workspace's budget lock first (lockBudgets), so two calls never
 * both slip under a limit or both see themselves cross a threshold.
 */
export async function limitsFor(session: Session, workflowId: string | null): Promise<Limit[]> {
  const s = await standings(session, workflowId ? [workflowId] : []);
  const limits: Limit[] = [];
  const ws = s.workspace;
  if (ws?.limitUsd) limits.push({ scope: 'workspace', limitUsd: ws.limitUsd, warnRatio: ws.warnRatio, ...s.monthSpending, dedupKey: `workspace:${s.month.label}:${ws.limitUsd}` });
  const workflowLimit = workflowId ? workflowLimitOf(s, workflowId) : null;
  if (workflowId && workflowLimit) {
    limits.push({
      scope: 'workflow', limitUsd: workflowLimit, warnRatio: s.own(workflowId)?.warnRatio ?? ws?.warnRatio ?? DEFAULT_WARN_RATIO, ...s.spendingOf(workflowId),
      dedupKey: `workflow:${workflowId}:${workflowLimit}`,
    });
  }
  return limits;
}

/** Serializes spending in a workspace for the rest of the transaction. */
export const lockBudgets = (session: Session) =>
  session.db.execute(sql`select pg_advisory_xact_lock(hashtextextended('flows.budget:' || ${session.identity.workspaceId}, 0))`);

function viewOf(s: Standings, workflowId: string | null): BudgetView {
  const ws = s.workspace;
  if (!workflowId) {
    return {
      id: ws?.id ?? null, scope: 'workspace', workflowId: null, limitUsd: ws?.limitUsd ?? null, workflowLimitUsd: ws?.workflowLimitUsd ?? null,
      warnRatio: ws?.warnRatio ?? DEFAULT_WARN_RATIO, ...s.monthSpending, periodStart: s.month.start, periodEnd: s.month.end,
    };
  }
  const own = s.own(workflowId);
  return {
    id: own?.id ?? null, scope: 'workflow', workflowId, limitUsd: workflowLimitOf(s, workflowId), workflowLimitUsd: null,
    warnRatio: own?.warnRatio ?? ws?.warnRatio ?? DEFAULT_WARN_RATIO, ...s.spendingOf(workflowId), periodStart: null, periodEnd: null,
  };
}

/**
 * The workspace's budget (key null), or a workflow's: its own limit, or the workspace's default
 * for every workflow. Every budget a request reads comes from the same two statements.
 */
export function budgetOf(scope: Scope, workflowId: string | null): Promise<BudgetView> {
  return scope.loaders
    .get<string, BudgetView>('flows.budgets', async (keys) => {
      const s = await withSession(scope, (session) => standings(session, keys.filter(Boolean)));
      return keys.map((key) => viewOf(s, key || null));
    })
    .load(workflowId ?? '');
}

/** A budget as a mutation left it: read afresh, not from what the request read before. */
export const currentBudget = (scope: Scope, workflowId: string | null): Promise<BudgetView> =>
  withSession(scope, async (session) => viewOf(await standings(session, workflowId ? [workflowId] : []), workflowId));

const money = z.number().positive('must be more than 0').max(1_000_000);
const setBudgetInput = z.object({
  workflowId: z.uuid('must be an id').nullish(),
  limitUsd: money.nullish(),
  workflowLimitUsd: money.nullish(),
  warnRatio: z.number().gt(0, 'must be between 0 and 1').lt(1, 'must be between 0 and 1').nullish(),
});


/** People only: an API key cannot loosen the limits that hold it. */
function requirePerson(session: Session, least: 'member' | 'admin') {
  if (session.identity.kind === 'apiKey') throw forbidden('API keys cannot set budgets: a person does');
  requireRole(session, least);
}

async function requireWorkflow(session: Session, workflowId: string) {
  const [workflow] = await session.db.select({ id: workflows.id }).from(workflows).where(eq(workflows.id, workflowId));
  if (!workflow) return refuseWrite(session, workflows, 'Workflow', workflowId);
}

/**
 * Sets the workspace's budget (admins: a monthly limit, a default limit for every workflow, the
 * warning ratio) or one workflow's (who may change the workflow: its limit and warning ratio).
 * A field left out keeps its value; a null limit removes it, a null warnRatio restores 0.8.
 * Members tighten a workflow's limit, admins also loosen it (the database holds this too).
 */
export async function setBudget(request: RequestSession, rawInput: unknown): Promise<{ workflowId: string | null }> {
  const input = parseInput(setBudgetInput, rawInput);
  const workflowId = input.workflowId ?? null;
  if (workflowId && input.workflowLimitUsd !== undefined) throw badUserInput('input.workflowLimitUsd', 'input.workflowLimitUsd is the workspace\'s default for every workflow; give a workflow its own input.limitUsd');
  if (workflowId && input.limitUsd === null) throw badUserInput('input.limitUsd', 'input.limitUsd: a workflow\'s budget has a limit (remove the budget with removeWorkflowBudget)');
  const changes = requireChanges({
    ...(input.limitUsd !== undefined ? { limitUsd: input.limitUsd } : {}),
    ...(input.workflowLimitUsd !== undefined ? { workflowLimitUsd: input.workflowLimitUsd } : {}),
    ...(input.warnRatio !== undefined ? { warnRatio: input.warnRatio ?? DEFAULT_WARN_RATIO } : {}),
  });
  return request.mutate(async (session) => {
    requirePerson(session, workflowId ? 'member' : 'admin');
    // A workflow's row always has its limit: the insert half of the upsert carries the current one.
    let ownLimit: { limitUsd?: number | null } = {};
    if (workflowId) {
      await requireWorkflow(session, workflowId);
      const s = await budgetRows(session, [workflowId]);
      const own = s.own(workflowId);
      if (input.limitUsd === undefined && !own) throw badUserInput('input.limitUsd', 'input.limitUsd is required for a workflow without a budget of its own');
      const inForce = workflowLimitOf(s, workflowId);
      if (!hasRole(session, 'admin') && inForce !== null && input.limitUsd != null && input.limitUsd > inForce) {
        throw forbidden(`Only admins raise a workflow's limit: ${dollars(inForce)} is in force; set a lower one or ask an admin`);
      }
      ownLimit = { limitUsd: input.limitUsd ?? own?.limitUsd };
    }
    const [row] = await session.db
      .insert(budgets)
      .values({ workspaceId: session.identity.workspaceId!, workflowId, ...changes, ...ownLimit, createdBy: session.memberId })
      .onConflictDoUpdate({
        target: workflowId ? [budgets.workflowId] : [budgets.workspaceId],
        targetWhere: workflowId ? sql`${budgets.workflowId} is not null` : sql`${budgets.workflowId} is null`,
        set: changes,
      })
      .returning();
    await appendEvent(session, workflowId
      ? { type: 'flows.workflow.budget_set', entityId: workflowId, payload: { limitUsd: row!.limitUsd, warnRatio: row!.warnRatio } }
      : { type: 'flows.workspace.budget_set', entityId: row!.workspaceId, payload: { limitUsd: row!.limitUsd, workflowLimitUsd: row!.workflowLimitUsd, warnRatio: row!.warnRatio } });
    return { workflowId };
  });
}

/**
 * Removes a workflow's own limit: the workspace's default for every workflow applies again. A
 * member may do so only when that default is no looser; an admin always.
 */
export async function removeWorkflowBudget(request: RequestSession, rawWorkflowId: unknown): Promise<{ workflowId: string }> {
  const workflowId = parseId(rawWorkflowId, 'workflowId');
  return request.mutate(async (session) => {
    requirePerson(session, 'member');
    await requireWorkflow(session, workflowId);
    const s = await budgetRows(session, [workflowId]);
    const own = s.own(workflowId);
    if (!own) return { workflowId };
    const fallback = s.workspace?.workflowLimitUsd ?? null;
    if (!hasRole(session, 'admin') && (fallback === null || fallback > own.limitUsd!)) {
      throw forbidden(`Only admins loosen a workflow's limit: without its own ${dollars(own.limitUsd!)}, it would have ${fallback === null ? 'none' : `the default ${dollars(fallback)}`}`);
    }
    const removed = await session.db.delete(budgets).where(eq(budgets.workflowId, workflowId)).returning({ id: budgets.id });
    if (!removed.length) return refuseWrite(session, budgets, 'Budget', own.id);
    await appendEvent(session, { type: 'flows.workflow.budget_set', entityId: workflowId, payload: { limitUsd: null, warnRatio: null } });
    return { workflowId };
  });
}
