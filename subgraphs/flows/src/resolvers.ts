import type { GraphQLResolverMap } from '@apollo/subgraph';
import {
  DateTimeScalar, JSONObjectScalar, entityChanges, enumValues, loadById, logSubscription, notFound, parseId, parsePage, withSession,
  type PageArgs, type SubgraphContext,
} from '@chief/runtime';
import {
  approvalDecision, nodeStatus, nodeType, tokenUsage, usageOutcome, workflowKind, workflowStage, workflows,
} from './models/index.ts';
import {
  approveWorkflow, createWorkflow, listWorkflows, moveWorkflow, parseWorkflowFilter, rejectWorkflow, workflowOfMeeting, type Workflow,
} from './domain/workflows.ts';
import { checkpointsOf, latestCheckpointOf, resumeWorkflow, writeCheckpoint } from './domain/checkpoints.ts';
import { nodesByKey, nodesOf, updateWorkflowNodes, type WorkflowNode } from './domain/nodes.ts';
import {
  authorizeModelCall, listTokenUsage, parseUsageFilter, recordTokenUsage, totalsOfWorkflow, usageOfWorkflow, usageTotals, workflowCostSummary,
  type TokenUsage,
} from './domain/usage.ts';
import { budgetOf, currentBudget, removeWorkflowBudget, setBudget, type BudgetView } from './domain/budgets.ts';
import { MODEL_PRICES, roundUsd } from './domain/prices.ts';

type Ctx = SubgraphContext;
type Args = Record<string, unknown>;
type ListArgs = PageArgs & { filter?: unknown };

const ref = (typename: string, id: string | null) => (id ? { __typename: typename, id } : null);

const budgetState = (b: BudgetView) =>
  b.limitUsd === null ? 'UNLIMITED' : b.spentUsd >= b.limitUsd ? 'EXCEEDED' : b.spentUsd >= roundUsd(b.limitUsd * b.warnRatio) ? 'WARNING' : 'OK';

export const flowsResolvers = {
  DateTime: DateTimeScalar,
  JSONObject: JSONObjectScalar,
  WorkflowStage: enumValues(workflowStage.enumValues),
  WorkflowKind: enumValues(workflowKind.enumValues),
  ApprovalDecision: enumValues(approvalDecision.enumValues),
  NodeType: enumValues(nodeType.enumValues),
  NodeStatus: enumValues(nodeStatus.enumValues),
  UsageOutcome: enumValues(usageOutcome.enumValues),
  BudgetScope: enumValues(['workspace', 'workflow']),
  TokenUsageGrouping: enumValues(['model', 'day', 'workflow']),

  Query: {
    workflow: async (_: unknown, args: Args, ctx: Ctx) => {
      const row = await loadById(ctx, workflows, parseId(args.id));
      if (!row) throw notFound('Workflow', String(args.id));
      return row;
    },
    workflows: (_: unknown, args: ListArgs, ctx: Ctx) => {
      const page = parsePage(args, ctx.config.maxPageSize);
      const filter = parseWorkflowFilter(args.filter);
      return withSession(ctx, (session) => listWorkflows(session, page, filter));
    },
    tokenUsage: (_: unknown, args: ListArgs, ctx: Ctx) => {
      const page = parsePage(args, ctx.config.maxPageSize);
      const filter = parseUsageFilter(args.filter);
      return withSession(ctx, (session) => listTokenUsage(session, page, filter));
    },
    tokenUsageTotals: (_: unknown, args: Args, ctx: Ctx) => usageTotals(ctx, args),
    workflowCostSummary: (_: unknown, args: Args, ctx: Ctx) => workflowCostSummary(ctx, args),
    modelPrices: () => Object.entries(MODEL_PRICES).map(([model, p]) => ({ model, inputPerMillion: p.input, outputPerMillion: p.output })),
  },

  Mutation: {
    createWorkflow: (_: unknown, args: Args, ctx: Ctx) => createWorkflow(ctx.session, args.input),
    moveWorkflow: (_: unknown, args: Args, ctx: Ctx) => moveWorkflow(ctx.session, args.id, args.input),
    approveWorkflow: (_: unknown, args: Args, ctx: Ctx) => approveWorkflow(ctx.session, args.id, args.comment),
    rejectWorkflow: (_: unknown, args: Args, ctx: Ctx) => rejectWorkflow(ctx.session, args.id, args.reason),
    writeCheckpoint: (_: unknown, args: Args, ctx: Ctx) => writeCheckpoint(ctx.session, args.input),
    resumeWorkflow: (_: unknown, args: Args, ctx: Ctx) => resumeWorkflow(ctx.session, args.id),
    updateWorkflowNodes: (_: unknown, args: Args, ctx: Ctx) => updateWorkflowNodes(ctx.session, args.workflowId, args.nodes),
    authorizeModelCall: (_: unknown, args: Args, ctx: Ctx) => authorizeModelCall(ctx.session, args.input),
    recordTokenUsage: (_: unknown, args: Args, ctx: Ctx) => recordTokenUsage(ctx.session, args.input),
    setBudget: async (_: unknown, args: Args, ctx: Ctx) => currentBudget(ctx, (await setBudget(ctx.session, args.input)).workflowId),
    removeWorkflowBudget: async (_: unknown, args: Args, ctx: Ctx) => currentBudget(ctx, (await removeWorkflowBudget(ctx.session, args.workflowId)).workflowId),
  },

  Subscription: {
    workflowUpdated: entityChanges<{ after?: string | null; id: string }>({
      entity: 'workflow',
      field: 'workflow',
      except: ['flows.workflow.nodes_updated'],
      load: async (ctx, id, args) => (id === parseId(args.id) ? loadById(ctx, workflows, id) : null),
    }),
    workflowNodesUpdated: logSubscription<{ after?: string | null; workflowId: string }, Ctx>({
      types: () => ['flows.workflow.nodes_updated'],
      async payload(event, ctx, args) {
        if (event.entityId !== parseId(args.workflowId, 'workflowId')) return null;
        const workflow = await loadById(ctx, workflows, event.entityId);
        if (!workflow) return null;
        const nodeKeys = (event.payload as { nodeKeys: string[] }).nodeKeys;
        return { cursor: event.cursor, workflow, nodes: await nodesByKey(ctx, workflow.id, nodeKeys), event: { __typename: 'Event', id: event.id } };
      },
    }),
  },

  Workflow: {
    __resolveReference: (reference: { id: string }, ctx: Ctx) => loadById(ctx, workflows, reference.id),
    decidedBy: (w: Workflow) => ref('Member', w.decidedByMemberId),
    founder: (w: Workflow) => ref('Founder', w.founderId),
    meeting: (w: Workflow) => ref('Meeting', w.meetingId),
    nodes: (w: Workflow, _: Args, ctx: Ctx) => nodesOf(ctx, w.id),
    edges: async (w: Workflow, _: Args, ctx: Ctx) => (await nodesOf(ctx, w.id)).flatMap((n) => n.connectedTo.map((to) => ({ from: n.key, to }))),
    checkpoints: (w: Workflow, args: PageArgs, ctx: Ctx) => checkpointsOf(ctx, w.id, parsePage(args, ctx.config.maxPageSize)),
    latestCheckpoint: (w: Workflow, _: Args, ctx: Ctx) => latestCheckpointOf(ctx, w.id),
    tokenUsage: (w: Workflow, args: PageArgs, ctx: Ctx) => usageOfWorkflow(ctx, w.id, parsePage(args, ctx.config.maxPageSize), null),
    cost: async (w: Workflow, _: Args, ctx: Ctx) => ({ key: w.id, model: null, day: null, ...(await totalsOfWorkflow(ctx, w.id)) }),
    budget: (w: Workflow, _: Args, ctx: Ctx) => budgetOf(ctx, w.id),
  },

  WorkflowNode: {
    position: (n: WorkflowNode) => (n.positionX === null || n.positionY === null ? null : { x: n.positionX, y: n.positionY }),
  },

  TokenUsage: {
    __resolveReference: (reference: { id: string }, ctx: Ctx) => loadById(ctx, tokenUsage, reference.id),
    workflow: (u: TokenUsage, _: Args, ctx: Ctx) => (u.workflowId ? loadById(ctx, workflows, u.workflowId) : null),
    authorization: (u: TokenUsage, _: Args, ctx: Ctx) => (u.authorizationId ? loadById(ctx, tokenUsage, u.authorizationId) : null),
    totalTokens: (u: TokenUsage) => u.totalTokens ?? u.inputTokens + u.outputTokens,
    costUsd: (u: TokenUsage) => Number(u.costUsd ?? 0),
  },

  TokenUsageTotals: {
    workflow: (t: { workflowId: string | null }, _: Args, ctx: Ctx) => (t.workflowId ? loadById(ctx, workflows, t.workflowId) : null),
  },

  Budget: {
    workflow: (b: BudgetView, _: Args, ctx: Ctx) => (b.workflowId ? loadById(ctx, workflows, b.workflowId) : null),
    remainingUsd: (b: BudgetView) => (b.limitUsd === null ? null : roundUsd(Math.max(0, b.limitUsd - b.spentUsd - b.heldUsd))),
    state: budgetState,
  },

  // Entities owned elsewhere: flows resolves only the fields it adds.
  Meeting: {
    __resolveReference: (r: { id: string }) => r,
    workflow: (m: { id: string }, _: Args, ctx: Ctx) => workflowOfMeeting(ctx, m.id),
  },
  Workspace: {
    __resolveReference: (r: { id: string }) => r,
    budget: (w: { id: string }, _: Args, ctx: Ctx) => {
      if (ctx.session.identity.workspaceId !== w.id) throw notFound('Workspace', w.id);
      return budgetOf(ctx, null);
    },
  },
} as GraphQLResolverMap<Ctx>;
