import { and, eq, gte, lt, sql, type SQL } from 'drizzle-orm';
import { z } from 'zod';
import {
  anyUuid, appendEvent, badUserInput, byKey, conflict, forbidden, listPage, listPagesByParent, notFound, parseInput, requireRole, withSession,
  type Connection, type LoaderRegistry, type Page, type RequestSession, type Session,
} from '@chief/runtime';
import { AUTHORIZATION_HOLD_MINUTES, tokenUsage, usageOutcome, workflows } from '../models/index.ts';
import { MODEL_PRICES, WORKFLOW_COST_TARGET_USD, costOf, dollars, priceOf, roundUsd } from './prices.ts';
import { limitsFor, lockBudgets, type Limit } from './budgets.ts';
import { ENDED } from './workflows.ts';

export type TokenUsage = typeof tokenUsage.$inferSelect;
type Scope = { session: RequestSession; loaders: LoaderRegistry };

const tokens = z.number().int().min(0).max(10_000_000);
const name = (what: string) => z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/, `must be a ${what}: 1 to 100 letters, digits or _ . : -`);
const callInput = z.object({
  workflowId: z.uuid('must be an id').nullish(),
  pipeline: name('pipeline name').nullish(),
  model: z.string().min(1, 'must not be empty').max(100),
});
const authorizeInput = callInput.extend({ inputTokens: tokens, maxOutputTokens: tokens });
const recordInput = callInput.extend({
  inputTokens: tokens,
  outputTokens: tokens,
  latencyMs: z.number().int().min(0).max(86_400_000).nullish(),
  authorizationId: z.uuid('must be an id').nullish(),
});

function priced(model: string) {
  const price = priceOf(model);
  if (!price) throw badUserInput('input.model', `input.model: no price for ${model}; priced models are ${Object.keys(MODEL_PRICES).join(', ')}`);
  return price;
}

const leftOf = (l: Limit) => roundUsd(l.limitUsd - l.spentUsd - l.heldUsd);

/** The workflow a call serves, visible to the caller; a call for an ended workflow is not authorized. */
async function servedWorkflow(session: Session, workflowId: string | null | undefined, running: boolean) {
  if (!workflowId) return null;
  const [row] = await session.db.select({ id: workflows.id, stage: workflows.stage }).from(workflows).where(eq(workflows.id, workflowId));
  if (!row) throw notFound('Workflow', workflowId, { field: 'input.workflowId', message: 'input.workflowId: no such workflow in this workspace' });
  if (running && ENDED.has(row.stage)) throw badUserInput('input.workflowId', `input.workflowId: this workflow has ended (${row.stage}); it makes no more calls`);
  return row;
}

/** An event's link to the workflow a call served. */
const workflowLinks = (workflowId: string | null) => (workflowId ? [{ linkType: 'references' as const, entityType: 'workflow', entityId: workflowId }] : []);

type Nudge = { kind: 'budget_warning' | 'budget_exceeded'; limit: Limit; workflowId: string | null; refusal?: string };

/**
 * Raises a budget nudge once (intel's notification, deduplicated by the database) and its event:
 * budget_warning when the warning ratio is crossed, budget_exceeded when the limit is reached,
 * and budget_exceeded once more, under its own key, when calls start being refused before it is.
 */
async function raiseBudgetNotification(session: Session, { kind, limit, workflowId, refusal }: Nudge) {
  const what = limit.scope === 'workspace' ? "This month's model budget" : "A workflow's model budget";
  const title = refusal ? `${what} refused a model call` : kind === 'budget_warning' ? `${what} is ${Math.round(limit.warnRatio * 100)}% spent` : `${what} is used up`;
  const message = refusal
    ? `${refusal}. Calls that would pass the limit of ${dollars(limit.limitUsd)} are refused; raise the budget to continue.`
    : kind === 'budget_warning'
      ? `${dollars(limit.spentUsd)} of ${dollars(limit.limitUsd)} is spent on model calls. Calls that would pass the limit will be refused.`
      : `The limit of ${dollars(limit.limitUsd)} was reached (${dollars(limit.spentUsd)} spent). Raise the budget to continue.`;
  const priority = kind === 'budget_warning' ? 'high' : 'urgent';
  const dedupKey = refusal ? `refused:${limit.dedupKey}` : limit.dedupKey;
  const metadata = { scope: limit.scope, limitUsd: limit.limitUsd, spentUsd: limit.spentUsd, heldUsd: limit.heldUsd, warnRatio: limit.warnRatio, workflowId, refused: Boolean(refusal) };
  const [row] = await session.db.execute<{ id: string | null }>(
    sql`select intel.raise_notification(${kind}::intel.notification_kind, ${priority}::intel.notification_priority, ${title}, ${message}, ${dedupKey}, ${JSON.stringify(metadata)}::jsonb, ${session.memberId}::uuid) as id`,
  );
  if (!row?.id) return;
  await appendEvent(session, {
    type: 'intel.notification.created', entityId: row.id,
    payload: { kind, channel: 'in_app', priority, recipientId: null, dedupKey: `${kind}:${dedupKey}` },
    links: workflowLinks(workflowId),
  });
}

export interface Authorization {
  allowed: boolean;
  estimatedCostUsd: number;
  remainingUsd: number | null;
  reason: string | null;
  usage: TokenUsage;
  expiresAt: Date | null;
}

/**
 * Asks, before a model call is made, whether it fits the budgets: its cost at most (the input
 * and the most output it may produce, at the price table's rates) against what is left of the
 * workspace's month and of the workflow's limit, less what other authorized calls hold. Allowed,
 * the authorization is recorded and holds that cost until recordTokenUsage names it (or it lapses
 * after AUTHORIZATION_HOLD_MINUTES), so calls authorized at the same time cannot together pass a
 * limit. Refused, the refusal is recorded (with the tokens asked for and why) and raises one
 * budget_exceeded notification per limit.
 */
export async function authorizeModelCall(request: RequestSession, rawInput: unknown): Promise<Authorization> {
  const input = parseInput(authorizeInput, rawInput);
  const price = priced(input.model);
  const estimate = roundUsd(costOf(price, input.inputTokens, input.maxOutputTokens));
  const workflowId = input.workflowId ?? null;
  return request.mutate(async (session) => {
    requireRole(session, 'member');
    await servedWorkflow(session, workflowId, true);
    await lockBudgets(session);
    const limits = await limitsFor(session, workflowId);
    const remainingUsd = limits.length ? Math.max(0, Math.min(...limits.map(leftOf))) : null;
    const over = limits.find((l) => estimate > leftOf(l));
    const reason = over
      ? `It could cost up to ${dollars(estimate)}, and the ${over.scope === 'workspace' ? "workspace's monthly" : "workflow's"} budget of ${dollars(over.limitUsd)} has ${dollars(Math.max(0, leftOf(over)))} left`
      : null;
    const [usage] = await session.db
      .insert(tokenUsage)
      .values({
        workspaceId: session.identity.workspaceId!, workflowId, pipeline: input.pipeline ?? null, model: input.model,
        inputTokens: input.inputTokens, outputTokens: input.maxOutputTokens, inputPricePerMillion: price.input, outputPricePerMillion: price.output,
        outcome: over ? 'refused' : 'authorized', refusalReason: reason, createdBy: session.memberId,
        // The hold runs from now, not from the start of a transaction that waited for the lock.
        createdAt: sql`clock_timestamp()`,
      })
      .returning();
    if (over) {
      await appendEvent(session, {
        type: 'flows.token_usage.refused', entityId: usage!.id,
        payload: { model: input.model, workflowId, estimatedCostUsd: estimate, limitUsd: over.limitUsd, scope: over.scope },
        links: workflowLinks(workflowId),
      });
      await raiseBudgetNotification(session, { kind: 'budget_exceeded', limit: over, workflowId, refusal: reason! });
    } else {
      await appendEvent(session, {
        type: 'flows.token_usage.authorized', entityId: usage!.id,
        payload: { model: input.model, workflowId, pipeline: usage!.pipeline, estimatedCostUsd: estimate },
        links: workflowLinks(workflowId),
      });
    }
    const expiresAt = over ? null : new Date(Date.parse(usage!.createdAt) + AUTHORIZATION_HOLD_MINUTES * 60_000);
    return { allowed: !over, estimatedCostUsd: estimate, remainingUsd, reason, usage: usage!, expiresAt };
  });
}

/**
 * Whether the caller asked for this authorization: a person by `created_by`; an API key (which
 * no row names) by the authorization's event, whose actor is the key.
 */
async function askedBy(session: Session, held: TokenUsage): Promise<boolean> {
  const { identity } = session;
  if (identity.kind !== 'apiKey') return held.createdBy === session.memberId;
  const rows = await session.db.execute(sql`select 1 from ops.events
    where workspace_id = ${held.workspaceId} and entity_type = 'token_usage' and entity_id = ${held.id}
      and type = 'flows.token_usage.authorized' and actor_type = 'api_key' and actor_id = ${identity.apiKeyId}`);
  return rows.length > 0;
}

/**
 * The authorization a recorded call names, checked against it: asked for by the same caller,
 * for the same model and workflow, not recorded before.
 */
async function authorizationOf(session: Session, input: z.infer<typeof recordInput>) {
  if (!input.authorizationId) return null;
  const field = 'input.authorizationId';
  const [held] = await session.db.select().from(tokenUsage).where(eq(tokenUsage.id, input.authorizationId));
  if (held?.outcome !== 'authorized') {
    throw notFound('ModelCallAuthorization', input.authorizationId, { field, message: `${field}: no such authorization in this workspace (an allowed authorizeModelCall's usage.id)` });
  }
  if (!(await askedBy(session, held))) throw forbidden('This authorization was asked for by someone else: its call is recorded by whoever asked');
  if (held.model !== input.model) throw badUserInput('input.model', `input.model: the call was authorized for ${held.model}`);
  if (input.workflowId && input.workflowId !== held.workflowId) throw badUserInput('input.workflowId', `input.workflowId: the call was authorized for ${held.workflowId ? `workflow ${held.workflowId}` : 'no workflow'}`);
  const [settled] = await session.db.select({ id: tokenUsage.id }).from(tokenUsage).where(eq(tokenUsage.authorizationId, held.id));
  if (settled) throw conflict(`This authorization's call was already recorded (usage ${settled.id}); a call is recorded once`, { field });
  return held;
}

/**
 * Records a model call that was made: model, tokens, latency, the workflow or pipeline it
 * served, and its cost from the price table. Naming its authorization releases the hold and
 * makes a repeated record a CONFLICT, not a second charge. A call that was made is always
 * recorded (the money is spent); the budgets it crosses raise their notifications, each once:
 * budget_warning at the warning ratio, budget_exceeded at the limit.
 */
export async function recordTokenUsage(request: RequestSession, rawInput: unknown): Promise<TokenUsage> {
  const input = parseInput(recordInput, rawInput);
  const price = priced(input.model);
  return request.mutate(async (session) => {
    requireRole(session, 'member');
    await lockBudgets(session);
    const held = await authorizationOf(session, input);
    const workflowId = held ? held.workflowId : (input.workflowId ?? null);
    await servedWorkflow(session, workflowId, false);
    const before = await limitsFor(session, workflowId);
    const [usage] = await session.db
      .insert(tokenUsage)
      .values({
        workspaceId: session.identity.workspaceId!, workflowId, pipeline: input.pipeline ?? held?.pipeline ?? null, model: input.model,
        inputTokens: input.inputTokens, outputTokens: input.outputTokens, inputPricePerMillion: price.input, outputPricePerMillion: price.output,
        latencyMs: input.latencyMs ?? null, authorizationId: held?.id ?? null, createdBy: session.memberId,
      })
      .returning();
    const cost = usage!.costUsd ?? costOf(price, input.inputTokens, input.outputTokens);
    await appendEvent(session, {
      type: 'flows.token_usage.recorded', entityId: usage!.id,
      payload: { model: usage!.model, workflowId, pipeline: usage!.pipeline, totalTokens: usage!.totalTokens ?? 0, costUsd: cost, authorizationId: held?.id ?? null },
      links: workflowLinks(workflowId),
    });
    for (const limit of before) {
      const after = { ...limit, spentUsd: roundUsd(limit.spentUsd + cost), heldUsd: roundUsd(Math.max(0, limit.heldUsd - (held?.costUsd ?? 0))) };
      if (after.spentUsd >= limit.limitUsd) await raiseBudgetNotification(session, { kind: 'budget_exceeded', limit: after, workflowId });
      else if (after.spentUsd >= roundUsd(limit.limitUsd * limit.warnRatio)) await raiseBudgetNotification(session, { kind: 'budget_warning', limit: after, workflowId });
    }
    return usage!;
  });
}

const usageFilter = z
  .object({
    workflowId: z.uuid('must be an id').nullish(),
    model: z.string().max(100).nullish(),
    pipeline: z.string().max(100).nullish(),
    outcome: z.enum(usageOutcome.enumValues).nullish(),
    from: z.date().nullish(),
    to: z.date().nullish(),
  })
  .nullish();

export type UsageFilter = z.infer<typeof usageFilter>;
export const parseUsageFilter = (raw: unknown): UsageFilter => parseInput(usageFilter, raw, 'filter');

function filterSql(f: UsageFilter): SQL | undefined {
  if (!f) return undefined;
  return and(
    f.workflowId ? eq(tokenUsage.workflowId, f.workflowId) : undefined,
    f.model ? eq(tokenUsage.model, f.model) : undefined,
    f.pipeline ? eq(tokenUsage.pipeline, f.pipeline) : undefined,
    f.outcome ? eq(tokenUsage.outcome, f.outcome) : undefined,
    f.from ? gte(tokenUsage.createdAt, f.from.toISOString()) : undefined,
    f.to ? lt(tokenUsage.createdAt, f.to.toISOString()) : undefined,
  );
}

/** The workspace's model calls, newest first. */
export const listTokenUsage = (session: Session, page: Page, filter: UsageFilter) => listPage(session.db, tokenUsage, filterSql(filter), page);

/** A workflow's model calls, newest first, batched across the request. */
export function usageOfWorkflow(scope: Scope, workflowId: string, page: Page, filter: UsageFilter): Promise<Connection<TokenUsage>> {
  return scope.loaders
    .get<string, Connection<TokenUsage>>(`flows.token_usage:workflow:${JSON.stringify([page, filter])}`, (ids) =>
      withSession(scope, ({ db }) => listPagesByParent(db, tokenUsage, tokenUsage.workflowId, ids, filterSql(filter), page)),
    )
    .load(workflowId);
}

export interface Totals {
  key: string;
  model: string | null;
  day: string | null;
  workflowId: string | null;
  calls: number;
  refusedCalls: number;
  inputTokens: number;
  outputTokens: number;
  costUsd: number;
}

const totalsColumns = {
  calls: sql<number>`(count(*) filter (where ${tokenUsage.outcome} = 'recorded'))::int`,
  refusedCalls: sql<number>`(count(*) filter (where ${tokenUsage.outcome} = 'refused'))::int`,
  inputTokens: sql<string>`coalesce(sum(${tokenUsage.inputTokens}) filter (where ${tokenUsage.outcome} = 'recorded'), 0)`,
  outputTokens: sql<string>`coalesce(sum(${tokenUsage.outputTokens}) filter (where ${tokenUsage.outcome} = 'recorded'), 0)`,
  costUsd: sql<string>`coalesce(sum(${tokenUsage.costUsd}) filter (where ${tokenUsage.outcome} = 'recorded'), 0)`,
};

const readTotals = (r: { calls: number; refusedCalls: number; inputTokens: string; outputTokens: string; costUsd: string }) => ({
  calls: Number(r.calls), refusedCalls: Number(r.refusedCalls), inputTokens: Number(r.inputTokens), outputTokens: Number(r.outputTokens), costUsd: Number(r.costUsd),
});

const totalsArgs = z.object({
  by: z.enum(['model', 'day', 'workflow']),
  from: z.date().nullish(),
  to: z.date().nullish(),
  first: z.number().int().min(1).max(366).nullish(),
});

/**
 * Spending grouped by model, by day (UTC) or by workflow over a period (default: the last 30
 * days): the costliest first, or for days the latest first. Refused calls are counted apart and
 * cost nothing.
 */
export async function usageTotals(scope: Scope, rawArgs: unknown): Promise<Totals[]> {
  const args = parseInput(totalsArgs, rawArgs, null);
  const to = args.to ?? new Date();
  const from = args.from ?? new Date(to.getTime() - 30 * 86_400_000);
  if (from.getTime() >= to.getTime()) throw badUserInput('from', 'from must be before to');
  const group = args.by === 'model' ? sql`${tokenUsage.model}` : args.by === 'day' ? sql`(${tokenUsage.createdAt} at time zone 'UTC')::date::text` : sql`${tokenUsage.workflowId}::text`;
  const rows = await withSession(scope, ({ db }) =>
    db
      .select({ key: sql<string | null>`${group}`, ...totalsColumns })
      .from(tokenUsage)
      .where(and(gte(tokenUsage.createdAt, from.toISOString()), lt(tokenUsage.createdAt, to.toISOString()), args.by === 'workflow' ? sql`${tokenUsage.workflowId} is not null` : undefined))
      .groupBy(group)
      .orderBy(args.by === 'day' ? sql`1 desc` : sql`${totalsColumns.costUsd} desc, 1`)
      .limit(args.first ?? 30),
  );
  return rows.map((r) => ({
    key: r.key ?? '', model: args.by === 'model' ? r.key : null, day: args.by === 'day' ? r.key : null, workflowId: args.by === 'workflow' ? r.key : null, ...readTotals(r),
  }));
}

/** Each workflow's totals, one statement for every workflow of the request. */
export function totalsOfWorkflow(scope: Scope, workflowId: string): Promise<Omit<Totals, 'key' | 'model' | 'day'>> {
  return scope.loaders
    .get<string, Omit<Totals, 'key' | 'model' | 'day'>>('flows.token_usage:totals', async (ids) => {
      const rows = await withSession(scope, ({ db }) =>
        db.select({ workflowId: tokenUsage.workflowId, ...totalsColumns }).from(tokenUsage).where(anyUuid(tokenUsage.workflowId, ids)).groupBy(tokenUsage.workflowId),
      );
      return byKey(ids, rows, (r) => r.workflowId!).map((r, i) => ({ workflowId: ids[i]!, ...(r ? readTotals(r) : { calls: 0, refusedCalls: 0, inputTokens: 0, outputTokens: 0, costUsd: 0 }) }));
    })
    .load(workflowId);
}

/**
 * Seed 004's target, measured: the average recorded cost of the workspace's workflows that made
 * calls over a period (default the last 30 days), against $0.50.
 */
export async function workflowCostSummary(scope: Scope, rawArgs: unknown) {
  const args = parseInput(totalsArgs.pick({ from: true, to: true }), rawArgs, null);
  const to = args.to ?? new Date();
  const from = args.from ?? new Date(to.getTime() - 30 * 86_400_000);
  if (from.getTime() >= to.getTime()) throw badUserInput('from', 'from must be before to');
  const [row] = await withSession(scope, ({ db }) =>
    db
      .select({
        workflows: sql<number>`count(distinct ${tokenUsage.workflowId})::int`,
        total: sql<string>`coalesce(sum(${tokenUsage.costUsd}), 0)`,
      })
      .from(tokenUsage)
      .where(and(eq(tokenUsage.outcome, 'recorded'), sql`${tokenUsage.workflowId} is not null`, gte(tokenUsage.createdAt, from.toISOString()), lt(tokenUsage.createdAt, to.toISOString()))),
  );
  const count = Number(row?.workflows ?? 0);
  const total = Number(row?.total ?? 0);
  const average = count ? total / count : null;
  return { from, to, workflows: count, totalCostUsd: total, averageCostUsd: average, targetUsd: WORKFLOW_COST_TARGET_USD, withinTarget: average === null ? null : average <= WORKFLOW_COST_TARGET_USD };
}

