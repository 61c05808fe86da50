import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectAsOwner, literal, type OwnerSql } from './support/databaseOwner.ts';
import { asCaller, type Caller } from './support/asCaller.ts';
import { errorOf, expectData, startTestChief, type Ids, type TestChief } from './support/startTestChief.ts';
import { connectSubscriptions, latestLogCursor } from './support/subscriptionClient.ts';
import { createWorkspaceFixture, type WorkspaceFixture } from '../subgraphs/core/test/fixtures.ts';

const STAGES = ['planning', 'pending_approval', 'orchestrating', 'building', 'reviewing', 'completed', 'failed', 'cancelled'] as const;
type Stage = (typeof STAGES)[number];
const ENDED = new Set<Stage>(['completed', 'failed', 'cancelled']);
/** Seed 004's machine as the README states it (planning → orchestrating only without approval; approval needs a decision). */
const LEGAL = new Set([
  'planning>pending_approval', 'planning>orchestrating', 'pending_approval>planning', 'pending_approval>orchestrating', 'orchestrating>building',
  'building>reviewing', 'reviewing>building', 'reviewing>completed',
  ...['planning', 'pending_approval', 'orchestrating', 'building', 'reviewing'].flatMap((s) => [`${s}>failed`, `${s}>cancelled`]),
]);
/** The legal path from planning to each stage. */
const PATH: Record<Stage, Stage[]> = {
  planning: [], pending_approval: ['pending_approval'], orchestrating: ['pending_approval', 'orchestrating'],
  building: ['pending_approval', 'orchestrating', 'building'], reviewing: ['pending_approval', 'orchestrating', 'building', 'reviewing'],
  completed: ['pending_approval', 'orchestrating', 'building', 'reviewing', 'completed'], failed: ['failed'], cancelled: ['cancelled'],
};

const CREATE = 'mutation($i: CreateWorkflowInput!) { createWorkflow(input: $i) { id stage generation } }';
const MOVE = 'mutation($id: ID!, $i: MoveWorkflowInput!) { moveWorkflow(id: $id, input: $i) { id stage startedAt finishedAt failureReason } }';

describe('flows: workflows, checkpoints, live maps, token usage and budgets', () => {
  let chief: TestChief;
  let sql: OwnerSql;
  let ws: WorkspaceFixture;
  const owner = () => ws.users.owner.token;

  beforeAll(async () => {
    chief = await startTestChief();
    sql = connectAsOwner();
    ws = await createWorkspaceFixture(chief, 'Flows');
  });
  afterAll(async () => {
    await sql?.end();
    await chief?.stop();
  });

  const create = async (input: Record<string, unknown> = {}, token = owner()) =>
    expectData(await chief.request<{ createWorkflow: { id: string; stage: string; generation: number } }>(CREATE, { i: { name: 'Onboard Ada', objective: 'Send Ada the deck', ...input } }, { token })).createWorkflow;
  const move = (id: string, input: Record<string, unknown>, token = owner()) => chief.request<{ moveWorkflow: Record<string, unknown> }>(MOVE, { id, i: input }, { token });
  const member = (): Caller => ({ kind: 'user', userId: ws.users.owner.userId, workspaceId: ws.id });

  it('refuses every illegal stage step in the database itself, under the application role, and lets every legal one pass', async () => {
    const set = (id: string, stage: Stage) =>
      `update flows.workflows set stage = '${stage}', finished_at = ${ENDED.has(stage) ? 'now()' : 'null'}, failure_reason = ${stage === 'failed' ? "'broke'" : 'null'}${stage === 'orchestrating' ? ", approval_decision = 'approved', decided_at = now()" : ''} where id = ${literal(id)}`;
    const outcomes: Record<string, string> = {};
    for (const from of STAGES) {
      for (const to of STAGES) {
        if (from === to) continue;
        const id = randomUUID();
        const insert = `insert into flows.workflows (id, workspace_id, name, objective, requires_approval, created_by) values (${literal(id)}, ${literal(ws.id)}, 'W', 'O', ${from === 'planning' && to === 'orchestrating' ? 'false' : 'true'}, ${literal(ws.users.owner.memberId)})`;
        const outcome = await asCaller(sql, member(), insert, ...PATH[from].map((s) => set(id, s)), set(id, to));
        outcomes[`${from}>${to}`] = 'error' in outcome ? outcome.error : `rows ${outcome.rows}`;
      }
    }
    for (const [step, outcome] of Object.entries(outcomes)) expect(outcome, step).toBe(LEGAL.has(step) ? 'rows 1' : 'CH409');
    // Orchestration needs an approved plan, unless the workflow needs none; a workflow starts in planning.
    const id = randomUUID();
    const insert = (requires: boolean) => `insert into flows.workflows (id, workspace_id, name, objective, requires_approval, created_by) values (${literal(id)}, ${literal(ws.id)}, 'W', 'O', ${requires}, ${literal(ws.users.owner.memberId)})`;
    expect(await asCaller(sql, member(), insert(true), `update flows.workflows set stage = 'orchestrating' where id = ${literal(id)}`)).toEqual({ error: 'CH409' });
    expect(await asCaller(sql, member(), insert(true), `update flows.workflows set stage = 'pending_approval' where id = ${literal(id)}`, `update flows.workflows set stage = 'orchestrating' where id = ${literal(id)}`)).toEqual({ error: 'CH409' });
    expect(await asCaller(sql, member(), `insert into flows.workflows (workspace_id, name, objective, stage, created_by) values (${literal(ws.id)}, 'W', 'O', 'building', ${literal(ws.users.owner.memberId)})`)).toEqual({ error: 'CH409' });
  });

  it('moves a workflow through its stages through the API, refusing an illegal step with a CONFLICT that names both stages', async () => {
    const w = await create();
    expect(w).toMatchObject({ stage: 'PLANNING', generation: 1 });
    const skip = errorOf(await move(w.id, { stage: 'BUILDING' }));
    expect(skip).toMatchObject({ code: 'CONFLICT', field: 'input.stage' });
    expect(skip.message).toMatch(/from planning to building/);
    expect(errorOf(await move(w.id, { stage: 'ORCHESTRATING' })).message).toMatch(/needs an approved plan/);
    expectData(await move(w.id, { stage: 'PENDING_APPROVAL' }));
    // Approval: admins and owners, people only.
    const approve = (token: string) => chief.request<{ approveWorkflow: { stage: string; approvalDecision: string; decidedBy: { id: string } } }>(
      'mutation($id: ID!) { approveWorkflow(id: $id, comment: "Go") { stage approvalDecision decidedBy { id } } }', { id: w.id }, { token });
    expect(errorOf(await approve(ws.users.member.token)).code).toBe('FORBIDDEN');
    expect(errorOf(await move(w.id, { stage: 'ORCHESTRATING' })).message).toMatch(/not approved/);
    expect(expectData(await approve(ws.users.admin.token)).approveWorkflow).toEqual({ stage: 'ORCHESTRATING', approvalDecision: 'APPROVED', decidedBy: { id: ws.users.admin.memberId } });
    expect(errorOf(await approve(ws.users.admin.token))).toMatchObject({ code: 'CONFLICT', field: 'id' });
    for (const stage of ['BUILDING', 'REVIEWING', 'BUILDING', 'REVIEWING']) expectData(await move(w.id, { stage }));
    expect(errorOf(await move(w.id, { stage: 'COMPLETED', failureReason: 'x' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.failureReason' });
    const done = expectData(await move(w.id, { stage: 'COMPLETED', resultSummary: 'Deck sent' })).moveWorkflow;
    expect(done.startedAt).toBeTruthy();
    expect(done.finishedAt).toBeTruthy();
    expect(errorOf(await move(w.id, { stage: 'BUILDING' })).message).toMatch(/from completed to building \(from completed: none, it has ended\)/);
    // Rejection cancels; failing needs a reason.
    const r = await create();
    expectData(await move(r.id, { stage: 'PENDING_APPROVAL' }));
    const rejected = expectData(await chief.request<{ rejectWorkflow: { stage: string; approvalComment: string } }>('mutation($id: ID!) { rejectWorkflow(id: $id, reason: "Too costly") { stage approvalComment } }', { id: r.id }, { token: owner() }));
    expect(rejected.rejectWorkflow).toEqual({ stage: 'CANCELLED', approvalComment: 'Too costly' });
    const f = await create({ requiresApproval: false });
    expect(errorOf(await move(f.id, { stage: 'FAILED' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.failureReason' });
    expect(expectData(await move(f.id, { stage: 'FAILED', failureReason: 'Gmail is down' })).moveWorkflow).toMatchObject({ stage: 'FAILED', failureReason: 'Gmail is down' });
    expect(errorOf(await chief.request(MOVE, { id: randomUUID(), i: { stage: 'BUILDING' } }, { token: owner() })).code).toBe('NOT_FOUND');
    expect(errorOf(await move(f.id, { stage: 'PLANNING' }, ws.users.viewer.token)).code).toBe('FORBIDDEN');
  });

  it('keeps checkpoints append-only, resumes from the latest one, and never records a step twice', async () => {
    const w = await create({ requiresApproval: false });
    const write = (step: string, generation: number, state: Record<string, unknown>, nextStep: string | null = null) =>
      chief.request<{ writeCheckpoint: { id: string; version: number } }>(
        'mutation($i: WriteCheckpointInput!) { writeCheckpoint(input: $i) { id version } }',
        { i: { workflowId: w.id, generation, step, nextStep, schemaVersion: '1.0.0', state } }, { token: owner() },
      );
    expect(expectData(await write('plan', 1, { agents: [] }, 'director')).writeCheckpoint.version).toBe(1);
    const second = expectData(await write('director', 1, { agents: [{ name: 'director', status: 'completed' }] }, 'salesforce')).writeCheckpoint;
    expect(second.version).toBe(2);
    // The same checkpoint sent again is the one recorded; another state for a completed step is refused.
    expect(expectData(await write('director', 1, { agents: [{ status: 'completed', name: 'director' }] }, 'salesforce')).writeCheckpoint).toEqual(second);
    expect(errorOf(await write('director', 1, { agents: [] }, 'salesforce'))).toMatchObject({ code: 'CONFLICT', field: 'input.step' });
    expect(errorOf(await write('bad step', 1, {}))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.step' });

    const RESUME = 'mutation($id: ID!) { resumeWorkflow(id: $id) { generation nextStep completedSteps checkpoint { version step state } workflow { generation } } }';
    const resumed = expectData(await chief.request<{ resumeWorkflow: { generation: number; nextStep: string; completedSteps: string[]; checkpoint: { version: number; step: string } } }>(RESUME, { id: w.id }, { token: owner() })).resumeWorkflow;
    expect(resumed).toMatchObject({ generation: 2, nextStep: 'salesforce', completedSteps: ['plan', 'director'], checkpoint: { version: 2, step: 'director' } });
    // Resumed twice: the first resume's runner is fenced off, and the completed steps stay done.
    const again = expectData(await chief.request<{ resumeWorkflow: { generation: number } }>(RESUME, { id: w.id }, { token: owner() })).resumeWorkflow;
    expect(again.generation).toBe(3);
    expect(errorOf(await write('salesforce', 2, { done: true }))).toMatchObject({ code: 'CONFLICT', field: 'input.generation' });
    expect(errorOf(await write('director', 3, { again: true }))).toMatchObject({ code: 'CONFLICT', field: 'input.step' });
    expect(expectData(await write('salesforce', 3, { done: true })).writeCheckpoint.version).toBe(3);
    const read = expectData(await chief.request<{ workflow: { latestCheckpoint: { version: number }; checkpoints: { edges: { node: { version: number } }[] } } }>(
      'query($id: ID!) { workflow(id: $id) { latestCheckpoint { version } checkpoints(first: 10) { edges { node { version } } } } }', { id: w.id }, { token: ws.users.viewer.token },
    )).workflow;
    expect(read.latestCheckpoint.version).toBe(3);
    expect(read.checkpoints.edges.map((e) => e.node.version)).toEqual([3, 2, 1]);
    // The database refuses changing or removing history, to the application and to the owner alike.
    for (const statement of [`update flows.workflow_states set state = '{}' where workflow_id = ${literal(w.id)}`, `delete from flows.workflow_states where workflow_id = ${literal(w.id)}`]) {
      expect(await asCaller(sql, member(), statement)).toEqual({ error: '42501' });
      await expect(sql.unsafe(statement)).rejects.toMatchObject({ code: '42501' });
    }
  });

  it('keeps a live map of up to 500 nodes, written in one change and streamed as one message', async () => {
    const w = await create({ requiresApproval: false });
    const UPDATE = 'mutation($w: ID!, $n: [WorkflowNodeInput!]!) { updateWorkflowNodes(workflowId: $w, nodes: $n) { key status progress statusMessage startedAt finishedAt connectedTo } }';
    const nodes = Array.from({ length: 500 }, (_, i) => ({ key: `n${i}`, type: i % 2 ? 'TASK' : 'AGENT', label: `Node ${i}`, position: { x: i, y: 0 }, connectedTo: i < 499 ? [`n${i + 1}`] : [] }));
    const after = await latestLogCursor(chief, owner());
    const client = connectSubscriptions(chief.gatewayUrl, { authorization: `Bearer ${ws.users.viewer.token}` });
    try {
      const map = client.watch<{ workflowNodesUpdated: { nodes: { key: string; status: string }[]; workflow: { stage: string } } }>(
        'subscription($w: ID!, $a: String) { workflowNodesUpdated(workflowId: $w, after: $a) { nodes { key status } workflow { stage } } }', { w: w.id, a: after },
      );
      const changes = client.watch<{ workflowUpdated: { action: string; workflow: { stage: string } } }>('subscription($w: ID!, $a: String) { workflowUpdated(id: $w, after: $a) { action workflow { stage } } }', { w: w.id, a: after });
      expect(expectData(await chief.request<{ updateWorkflowNodes: unknown[] }>(UPDATE, { w: w.id, n: nodes }, { token: owner() })).updateWorkflowNodes).toHaveLength(500);
      const running = expectData(await chief.request<{ updateWorkflowNodes: { status: string; startedAt: string | null; progress: number }[] }>(
        UPDATE, { w: w.id, n: nodes.map((n) => ({ key: n.key, status: 'RUNNING', progress: 50, statusMessage: 'Connecting to Salesforce...' })) }, { token: owner() },
      )).updateWorkflowNodes;
      expect(running.every((n) => n.status === 'RUNNING' && n.startedAt && n.progress === 50)).toBe(true);
      const done = expectData(await chief.request<{ updateWorkflowNodes: { progress: number; finishedAt: string | null }[] }>(UPDATE, { w: w.id, n: [{ key: 'n0', status: 'SUCCESS' }] }, { token: owner() })).updateWorkflowNodes;
      expect(done[0]).toMatchObject({ progress: 100 });
      expect(done[0]!.finishedAt).toBeTruthy();
      expectData(await move(w.id, { stage: 'ORCHESTRATING' }));
      expectData(await move(w.id, { stage: 'BUILDING' }));
      const messages = await map.until(3);
      expect(messages.map((m) => m.data!.workflowNodesUpdated.nodes.length)).toEqual([500, 500, 1]);
      // Each change shows the workflow as it is when delivered.
      expect((await changes.until(2)).map((c) => c.data!.workflowUpdated.action)).toEqual(['UPDATED', 'UPDATED']);
    } finally {
      await client.dispose();
    }
    // The 501st node is refused, by the API and by the database.
    expect(errorOf(await chief.request(UPDATE, { w: w.id, n: [{ key: 'extra', type: 'TASK', label: 'One more' }] }, { token: owner() }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'nodes' });
    expect(await asCaller(sql, member(), `insert into flows.workflow_nodes (workspace_id, workflow_id, node_key, node_type, label, created_by) values (${literal(ws.id)}, ${literal(w.id)}, 'extra', 'task', 'One more', ${literal(ws.users.owner.memberId)})`)).toEqual({ error: '23514' });
    expect(errorOf(await chief.request(UPDATE, { w: w.id, n: [{ key: 'n1', progress: 101 }] }, { token: owner() }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'nodes.0.progress' });
    expect(errorOf(await chief.request(UPDATE, { w: w.id, n: [{ key: 'n1', connectedTo: ['nowhere'] }] }, { token: owner() }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'nodes.0.connectedTo.0' });
    const small = await create();
    expect(errorOf(await chief.request(UPDATE, { w: small.id, n: [{ key: 'a' }] }, { token: owner() }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'nodes.0.type' });
    const edges = expectData(await chief.request<{ workflow: { edges: unknown[]; nodes: unknown[] } }>('query($id: ID!) { workflow(id: $id) { nodes { key } edges { from to } } }', { id: w.id }, { token: owner() })).workflow;
    expect(edges.nodes).toHaveLength(500);
    expect(edges.edges).toHaveLength(499);
  });

  it('records model calls with their cost from the price table, and totals them by workflow, day and model', async () => {
    const other = await createWorkspaceFixture(chief, 'Flows costs');
    const token = other.users.owner.token;
    const w = expectData(await chief.request<{ createWorkflow: { id: string } }>(CREATE, { i: { name: 'Brief', objective: 'Write the brief', kind: 'DAILY_BRIEFING', requiresApproval: false } }, { token })).createWorkflow;
    const RECORD = 'mutation($i: RecordTokenUsageInput!) { recordTokenUsage(input: $i) { costUsd totalTokens inputPricePerMillion outcome workflow { id } } }';
    const recorded = expectData(await chief.request<{ recordTokenUsage: { costUsd: number; totalTokens: number; inputPricePerMillion: number } }>(
      RECORD, { i: { workflowId: w.id, pipeline: 'summary', model: 'gpt-4o-mini', inputTokens: 10_000, outputTokens: 2_000, latencyMs: 850 } }, { token },
    )).recordTokenUsage;
    // 10,000 × $0.15 + 2,000 × $0.60 per million.
    expect(recorded).toMatchObject({ costUsd: 0.0027, totalTokens: 12_000, inputPricePerMillion: 0.15 });
    expectData(await chief.request(RECORD, { i: { workflowId: w.id, model: 'claude-sonnet-4-5', inputTokens: 1_000, outputTokens: 1_000 } }, { token }));
    expect(errorOf(await chief.request(RECORD, { i: { model: 'gpt-9', inputTokens: 1, outputTokens: 1 } }, { token }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.model' });
    expect(errorOf(await chief.request(RECORD, { i: { model: 'gpt-4o', inputTokens: -1, outputTokens: 1 } }, { token }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.inputTokens' });
    const totals = expectData(await chief.request<Record<string, { key: string; calls: number; costUsd: number; workflow?: { id: string } | null }[]> & { workflow: { cost: { costUsd: number; calls: number } }; workflowCostSummary: { workflows: number; averageCostUsd: number; targetUsd: number; withinTarget: boolean } }>(
      `query($w: ID!) {
        byModel: tokenUsageTotals(by: MODEL) { key calls costUsd }
        byDay: tokenUsageTotals(by: DAY) { key calls costUsd }
        byWorkflow: tokenUsageTotals(by: WORKFLOW) { key calls costUsd workflow { id } }
        workflow(id: $w) { cost { costUsd calls } }
        workflowCostSummary { workflows averageCostUsd targetUsd withinTarget }
      }`, { w: w.id }, { token },
    ));
    expect(totals.byModel!.map((t) => t.key)).toEqual(['claude-sonnet-4-5', 'gpt-4o-mini']);
    expect(totals.byDay).toEqual([{ key: new Date().toISOString().slice(0, 10), calls: 2, costUsd: 0.0207 }]);
    expect(totals.byWorkflow).toEqual([{ key: w.id, calls: 2, costUsd: 0.0207, workflow: { id: w.id } }]);
    expect(totals.workflow.cost).toEqual({ costUsd: 0.0207, calls: 2 });
    expect(totals.workflowCostSummary).toEqual({ workflows: 1, averageCostUsd: 0.0207, targetUsd: 0.5, withinTarget: true });
  });

  it('raises one warning at 80% of a budget, and refuses a call over the hard limit before it is made, recording the refusal', async () => {
    const other = await createWorkspaceFixture(chief, 'Flows budgets');
    const { owner: o, admin, member: m } = other.users;
    const SET = 'mutation($i: SetBudgetInput!) { setBudget(input: $i) { scope limitUsd warnRatio spentUsd remainingUsd state } }';
    expect(errorOf(await chief.request(SET, { i: { limitUsd: 1 } }, { token: m.token })).code).toBe('FORBIDDEN');
    expect(errorOf(await chief.request(SET, { i: { limitUsd: 0 } }, { token: admin.token }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.limitUsd' });
    expect(expectData(await chief.request<{ setBudget: unknown }>(SET, { i: { limitUsd: 1 } }, { token: admin.token })).setBudget).toEqual({ scope: 'WORKSPACE', limitUsd: 1, warnRatio: 0.8, spentUsd: 0, remainingUsd: 1, state: 'OK' });
    const key = expectData(await chief.request<{ createApiKey: { secret: string } }>('mutation { createApiKey(input: { name: "Agent", scopes: [READ, WRITE] }) { secret } }', {}, { token: admin.token })).createApiKey.secret;
    expect(errorOf(await chief.request(SET, { i: { limitUsd: 100 } }, { token: key })).code).toBe('FORBIDDEN');
    // gpt-4o: $2.50 per million input tokens; 100,000 tokens are $0.25.
    const RECORD = 'mutation($i: RecordTokenUsageInput!) { recordTokenUsage(input: $i) { costUsd } }';
    const spend = (inputTokens: number) => chief.request(RECORD, { i: { model: 'gpt-4o', inputTokens, outputTokens: 0 } }, { token: key });
    const warnings = async () => expectData(await chief.request<{ notifications: { edges: { node: { kind: string; title: string } }[] } }>(
      'query { notifications(first: 50, filter: { kind: [BUDGET_WARNING, BUDGET_EXCEEDED] }) { edges { node { kind title } } } }', {}, { token: o.token },
    )).notifications.edges.map((e) => e.node.kind);
    for (const _ of [1, 2, 3]) expectData(await spend(100_000));
    expect(await warnings()).toEqual([]);
    // Crossing 80% together: four calls at once, one warning.
    await Promise.all([1, 2, 3, 4].map(async () => expectData(await spend(10_000))));
    expectData(await spend(10_000));
    expect(await warnings()).toEqual(['BUDGET_WARNING']);
    const AUTHORIZE = 'mutation($i: AuthorizeModelCallInput!) { authorizeModelCall(input: $i) { allowed estimatedCostUsd remainingUsd reason usage { outcome refusalReason costUsd } } }';
    const ask = (inputTokens: number) => chief.request<{ authorizeModelCall: { allowed: boolean; estimatedCostUsd: number; reason: string | null; usage: { outcome: string } | null } }>(
      AUTHORIZE, { i: { model: 'gpt-4o', inputTokens, maxOutputTokens: 1_000 } }, { token: key },
    );
    expect(expectData(await ask(1_000)).authorizeModelCall).toMatchObject({ allowed: true, usage: { outcome: 'AUTHORIZED' } });
    // $1 less $0.875 spent and the $0.0125 the first authorization holds leaves $0.1125.
    const refused = expectData(await ask(100_000)).authorizeModelCall;
    expect(refused).toMatchObject({ allowed: false, estimatedCostUsd: 0.26, usage: { outcome: 'REFUSED' } });
    expect(refused.reason).toMatch(/monthly budget of \$1\.00 has \$0\.1125 left/);
    expectData(await ask(200_000));
    expect((await warnings()).sort()).toEqual(['BUDGET_EXCEEDED', 'BUDGET_WARNING']);
    const exceeded = async () => expectData(await chief.request<{ notifications: { edges: { node: { title: string } }[] } }>(
      'query { notifications(first: 50, filter: { kind: [BUDGET_EXCEEDED] }) { edges { node { title } } } }', {}, { token: o.token },
    )).notifications.edges.map((e) => e.node.title).sort();
    expect(await exceeded()).toEqual(["This month's model budget refused a model call"]);
    const ledger = expectData(await chief.request<{ refused: { edges: unknown[] }; workspace: { budget: { spentUsd: number; state: string } } }>(
      'query { refused: tokenUsage(filter: { outcome: REFUSED }) { edges { node { id } } } workspace { budget { spentUsd heldUsd remainingUsd state } } }', {}, { token: o.token },
    ));
    expect(ledger.refused.edges).toHaveLength(2);
    expect(ledger.workspace.budget).toEqual({ spentUsd: 0.875, heldUsd: 0.0125, remainingUsd: 0.1125, state: 'WARNING' });
    // Calls being refused and the limit being reached are two nudges, each raised once.
    expectData(await spend(50_000));
    expectData(await spend(1));
    expect(await exceeded()).toEqual(["This month's model budget is used up", "This month's model budget refused a model call"]);

    // A workflow's own limit, set by who owns it, below the workspace's default.
    expectData(await chief.request(SET, { i: { limitUsd: 10, workflowLimitUsd: 0.5 } }, { token: admin.token }));
    const w = expectData(await chief.request<{ createWorkflow: { id: string } }>(CREATE, { i: { name: 'W', objective: 'O' } }, { token: m.token })).createWorkflow;
    expect(expectData(await chief.request<{ workflow: { budget: { limitUsd: number; scope: string } } }>('query($id: ID!) { workflow(id: $id) { budget { limitUsd scope } } }', { id: w.id }, { token: m.token })).workflow.budget).toEqual({ limitUsd: 0.5, scope: 'WORKFLOW' });
    expectData(await chief.request(SET, { i: { workflowId: w.id, limitUsd: 0.1 } }, { token: m.token }));
    const onWorkflow = await chief.request<{ authorizeModelCall: { allowed: boolean; reason: string } }>(AUTHORIZE.replace('inputTokens, maxOutputTokens', 'inputTokens, maxOutputTokens'), {
      i: { workflowId: w.id, model: 'gpt-4o', inputTokens: 50_000, maxOutputTokens: 0 },
    }, { token: key });
    expect(expectData(onWorkflow).authorizeModelCall).toMatchObject({ allowed: false });
    expect(expectData(onWorkflow).authorizeModelCall.reason).toMatch(/workflow's budget of \$0\.1000/);
  });

  it('holds what authorized calls may cost until they are recorded, so calls authorized at once never pass a limit together', async () => {
    const other = await createWorkspaceFixture(chief, 'Flows holds');
    const { owner: o, admin } = other.users;
    expectData(await chief.request('mutation { setBudget(input: { limitUsd: 1 }) { limitUsd } }', {}, { token: admin.token }));
    const AUTHORIZE = 'mutation($i: AuthorizeModelCallInput!) { authorizeModelCall(input: $i) { allowed estimatedCostUsd expiresAt usage { id outcome costUsd } } }';
    type Authorized = { authorizeModelCall: { allowed: boolean; estimatedCostUsd: number; expiresAt: string | null; usage: { id: string; outcome: string } } };
    // gpt-4o: 120,000 input tokens are $0.30 at most; five at once against $1: three fit.
    const asks = await Promise.all([1, 2, 3, 4, 5].map(async () =>
      expectData(await chief.request<Authorized>(AUTHORIZE, { i: { model: 'gpt-4o', inputTokens: 120_000, maxOutputTokens: 0 } }, { token: o.token })).authorizeModelCall,
    ));
    const allowed = asks.filter((a) => a.allowed);
    expect(allowed).toHaveLength(3);
    expect(asks.filter((a) => !a.allowed).map((a) => a.usage.outcome)).toEqual(['REFUSED', 'REFUSED']);
    expect(Date.parse(allowed[0]!.expiresAt!) - Date.now()).toBeGreaterThan(14 * 60_000);
    const BUDGET = 'query { workspace { budget { spentUsd heldUsd remainingUsd } } }';
    const budget = async () => expectData(await chief.request<{ workspace: { budget: unknown } }>(BUDGET, {}, { token: o.token })).workspace.budget;
    expect(await budget()).toEqual({ spentUsd: 0, heldUsd: 0.9, remainingUsd: 0.1 });

    // Recording a call under its authorization releases the hold; the call counts for what it cost.
    const RECORD = 'mutation($i: RecordTokenUsageInput!) { recordTokenUsage(input: $i) { costUsd outcome authorization { id outcome } } }';
    const record = (i: Record<string, unknown>) => chief.request<{ recordTokenUsage: { costUsd: number; authorization: { id: string } } }>(RECORD, { i }, { token: o.token });
    const first = allowed[0]!.usage.id;
    expect(expectData(await record({ authorizationId: first, model: 'gpt-4o', inputTokens: 40_000, outputTokens: 0 })).recordTokenUsage).toEqual({
      costUsd: 0.1, outcome: 'RECORDED', authorization: { id: first, outcome: 'AUTHORIZED' },
    });
    expect(await budget()).toEqual({ spentUsd: 0.1, heldUsd: 0.6, remainingUsd: 0.3 });
    // Recorded once: a retry is a conflict, not a second charge; the authorization is for its own model.
    expect(errorOf(await record({ authorizationId: first, model: 'gpt-4o', inputTokens: 40_000, outputTokens: 0 }))).toMatchObject({ code: 'CONFLICT', field: 'input.authorizationId' });
    expect(errorOf(await record({ authorizationId: allowed[1]!.usage.id, model: 'gpt-4o-mini', inputTokens: 1, outputTokens: 0 }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.model' });
    // Recorded by whoever asked: another member cannot release someone's hold.
    expect(errorOf(await chief.request(RECORD, { i: { authorizationId: allowed[1]!.usage.id, model: 'gpt-4o', inputTokens: 1, outputTokens: 0 } }, { token: admin.token }))).toMatchObject({ code: 'FORBIDDEN' });
    const refusedId = asks.find((a) => !a.allowed)!.usage.id;
    expect(errorOf(await record({ authorizationId: refusedId, model: 'gpt-4o', inputTokens: 1, outputTokens: 0 }))).toMatchObject({ code: 'NOT_FOUND', field: 'input.authorizationId' });
    expect(errorOf(await record({ authorizationId: randomUUID(), model: 'gpt-4o', inputTokens: 1, outputTokens: 0 }))).toMatchObject({ code: 'NOT_FOUND', field: 'input.authorizationId' });
    // An authorization never recorded lapses after 15 minutes.
    await sql.unsafe(`insert into flows.token_usage (workspace_id, model, input_tokens, output_tokens, input_price_per_million, output_price_per_million, outcome, created_at)
      values (${literal(other.id)}, 'gpt-4o', 100000, 0, 2.5, 10, 'authorized', now() - interval '16 minutes')`);
    expect(await budget()).toEqual({ spentUsd: 0.1, heldUsd: 0.6, remainingUsd: 0.3 });
    // The database keeps the ledger whole: a settled call names an authorization of its own workspace, once.
    const caller = { kind: 'user' as const, userId: o.userId, workspaceId: other.id };
    const settle = (id: string) => `insert into flows.token_usage (workspace_id, model, input_tokens, output_tokens, input_price_per_million, output_price_per_million, authorization_id, created_by)
      values (${literal(other.id)}, 'gpt-4o', 1, 0, 2.5, 10, ${literal(id)}, ${literal(o.memberId)})`;
    expect(await asCaller(sql, caller, settle(first))).toEqual({ error: '23505' });
    const [{ id: elsewhere }] = await sql.unsafe<[{ id: string }]>(`insert into flows.token_usage (workspace_id, model, input_tokens, output_tokens, input_price_per_million, output_price_per_million, outcome)
      values (${literal(ws.id)}, 'gpt-4o', 1, 0, 2.5, 10, 'authorized') returning id`);
    expect(await asCaller(sql, caller, settle(elsewhere))).toEqual({ error: '23503' });
    // API keys too: a key records only what it asked for (by the authorization's event).
    const KEY = 'mutation($n: String!) { createApiKey(input: { name: $n, scopes: [READ, WRITE] }) { secret } }';
    const newKey = async (n: string) => expectData(await chief.request<{ createApiKey: { secret: string } }>(KEY, { n }, { token: admin.token })).createApiKey.secret;
    const [keyA, keyB] = [await newKey('Agent A'), await newKey('Agent B')];
    const small = { model: 'gpt-4o-mini', inputTokens: 100, maxOutputTokens: 10 };
    const byA = expectData(await chief.request<Authorized>(AUTHORIZE, { i: small }, { token: keyA })).authorizeModelCall.usage.id;
    const asKey = (token: string) => chief.request(RECORD, { i: { authorizationId: byA, model: 'gpt-4o-mini', inputTokens: 100, outputTokens: 5 } }, { token });
    expect(errorOf(await asKey(keyB))).toMatchObject({ code: 'FORBIDDEN' });
    expectData(await asKey(keyA));
  });

  it('lets only admins run a workflow without approval, and lets members tighten a workflow\'s budget but never loosen it', async () => {
    const other = await createWorkspaceFixture(chief, 'Flows rules');
    const { admin, member: m } = other.users;
    const key = expectData(await chief.request<{ createApiKey: { secret: string } }>('mutation { createApiKey(input: { name: "Agent", scopes: [READ, WRITE] }) { secret } }', {}, { token: admin.token })).createApiKey.secret;
    const unapproved = { i: { name: 'W', objective: 'O', requiresApproval: false } };
    expect(errorOf(await chief.request(CREATE, unapproved, { token: m.token }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(errorOf(await chief.request(CREATE, unapproved, { token: key }))).toMatchObject({ code: 'FORBIDDEN' });
    expectData(await chief.request(CREATE, unapproved, { token: admin.token }));
    // The database holds it too, for inserts and for taking approval away.
    const asMember = { kind: 'user' as const, userId: m.userId, workspaceId: other.id };
    const id = randomUUID();
    const insert = (requires: boolean) => `insert into flows.workflows (id, workspace_id, name, objective, requires_approval, created_by) values (${literal(id)}, ${literal(other.id)}, 'W', 'O', ${requires}, ${literal(m.memberId)})`;
    expect(await asCaller(sql, asMember, insert(false))).toEqual({ error: '42501' });
    expect(await asCaller(sql, asMember, insert(true), `update flows.workflows set requires_approval = false where id = ${literal(id)}`)).toEqual({ error: '42501' });
    expect(await asCaller(sql, { kind: 'service', workspaceId: other.id }, insert(false))).toMatchObject({ rows: 1 });
    // Nor does a member approve a plan in SQL, at once or from the start.
    const pending = `update flows.workflows set stage = 'pending_approval' where id = ${literal(id)}`;
    expect(await asCaller(sql, asMember, insert(true), pending, `update flows.workflows set approval_decision = 'approved', decided_at = now(), stage = 'orchestrating' where id = ${literal(id)}`)).toEqual({ error: '42501' });
    expect(await asCaller(sql, asMember, `insert into flows.workflows (id, workspace_id, name, objective, approval_decision, decided_at, created_by) values (${literal(id)}, ${literal(other.id)}, 'W', 'O', 'approved', now(), ${literal(m.memberId)})`)).toEqual({ error: '42501' });
    expect(await asCaller(sql, asMember, insert(true), pending, `update flows.workflows set stage = 'planning', approval_decision = null where id = ${literal(id)}`)).toMatchObject({ rows: 1 });

    // A field left out keeps its value; null removes a limit; nothing to change is bad input.
    const SET = 'mutation($i: SetBudgetInput!) { setBudget(input: $i) { limitUsd workflowLimitUsd warnRatio } }';
    const set = (i: Record<string, unknown>, token = admin.token) => chief.request<{ setBudget: unknown }>(SET, { i }, { token });
    expect(expectData(await set({ limitUsd: 10, workflowLimitUsd: 1 })).setBudget).toEqual({ limitUsd: 10, workflowLimitUsd: 1, warnRatio: 0.8 });
    expect(expectData(await set({ warnRatio: 0.5 })).setBudget).toEqual({ limitUsd: 10, workflowLimitUsd: 1, warnRatio: 0.5 });
    expect(expectData(await set({ limitUsd: null })).setBudget).toEqual({ limitUsd: null, workflowLimitUsd: 1, warnRatio: 0.5 });
    expect(errorOf(await set({}))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input' });

    // The member's own workflow: below the default of $1 only, and never back up.
    const w = expectData(await chief.request<{ createWorkflow: { id: string } }>(CREATE, { i: { name: 'Mine', objective: 'O' } }, { token: m.token })).createWorkflow;
    expect(errorOf(await set({ workflowId: w.id, limitUsd: 5 }, m.token))).toMatchObject({ code: 'FORBIDDEN' });
    expectData(await set({ workflowId: w.id, limitUsd: 0.25 }, m.token));
    expect(errorOf(await set({ workflowId: w.id, limitUsd: 0.5 }, m.token))).toMatchObject({ code: 'FORBIDDEN' });
    const REMOVE = 'mutation($w: ID!) { removeWorkflowBudget(workflowId: $w) { limitUsd } }';
    expect(errorOf(await chief.request(REMOVE, { w: w.id }, { token: m.token }))).toMatchObject({ code: 'FORBIDDEN' });
    const budgetRow = `update flows.budgets set limit_usd = 5 where workflow_id = ${literal(w.id)}`;
    expect(await asCaller(sql, asMember, budgetRow)).toEqual({ error: '42501' });
    expect(await asCaller(sql, asMember, `delete from flows.budgets where workflow_id = ${literal(w.id)}`)).toEqual({ error: '42501' });
    expect(await asCaller(sql, asMember, `insert into flows.budgets (workspace_id, workflow_id, limit_usd, created_by) values (${literal(other.id)}, ${literal(w.id)}, 5, ${literal(m.memberId)})
      on conflict (workflow_id) where workflow_id is not null do update set limit_usd = excluded.limit_usd`)).toEqual({ error: '42501' });
    // A budget stays with its workflow: moving it would hand its limit to another.
    const mine = expectData(await chief.request<{ createWorkflow: { id: string } }>(CREATE, { i: { name: 'Mine too', objective: 'O' } }, { token: m.token })).createWorkflow;
    expect(await asCaller(sql, asMember, `update flows.budgets set workflow_id = ${literal(mine.id)} where workflow_id = ${literal(w.id)}`)).toEqual({ error: '42501' });
    expect(await asCaller(sql, { kind: 'user', userId: admin.userId, workspaceId: other.id }, budgetRow)).toMatchObject({ rows: 1 });
    // Only the warning ratio: the limit stays; a workflow without a budget of its own needs a limit.
    expect(expectData(await set({ workflowId: w.id, warnRatio: 0.9 }, m.token)).setBudget).toEqual({ limitUsd: 0.25, workflowLimitUsd: null, warnRatio: 0.9 });
    expect(errorOf(await set({ workflowId: mine.id, warnRatio: 0.9 }, m.token))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.limitUsd' });
    expect(expectData(await chief.request<{ removeWorkflowBudget: unknown }>(REMOVE, { w: w.id }, { token: admin.token })).removeWorkflowBudget).toEqual({ limitUsd: 1 });

    // A price is the table's own entry, whatever the name.
    for (const model of ['constructor', '__proto__', 'toString']) {
      expect(errorOf(await chief.request('mutation($m: String!) { recordTokenUsage(input: { model: $m, inputTokens: 1, outputTokens: 1 }) { id } }', { m: model }, { token: admin.token })))
        .toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.model' });
    }
    expect(errorOf(await chief.request('{ tokenUsageTotals(by: MODEL, first: 0) { key } }', {}, { token: admin.token }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  it('lists checkpoints by version and nodes in the order they were added, even within one request; budgets of many workflows cost two statements', async () => {
    const w = await create({ requiresApproval: false }); // the owner may
    const CHECKPOINT = (step: string) => `${step}: writeCheckpoint(input: { workflowId: $w, generation: 1, step: "${step}", schemaVersion: "1.0", state: { step: "${step}" } }) { version }`;
    expectData(await chief.request(`mutation($w: ID!) { ${['s1', 's2', 's3', 's4'].map(CHECKPOINT).join(' ')} }`, { w: w.id }, { token: owner() }));
    const keys = ['zeta', 'alpha', 'mid', 'beta'];
    expectData(await chief.request('mutation($w: ID!, $n: [WorkflowNodeInput!]!) { updateWorkflowNodes(workflowId: $w, nodes: $n) { key } }', {
      w: w.id, n: keys.map((key) => ({ key, type: 'TASK', label: key })),
    }, { token: owner() }));
    const read = expectData(await chief.request<{ workflow: { checkpoints: { edges: { node: { version: number } }[] }; nodes: { key: string }[] } }>(
      'query($w: ID!) { workflow(id: $w) { checkpoints(first: 10) { edges { node { version } } } nodes { key } } }', { w: w.id }, { token: owner() },
    )).workflow;
    expect(read.checkpoints.edges.map((e) => e.node.version)).toEqual([4, 3, 2, 1]);
    expect(read.nodes.map((n) => n.key)).toEqual(keys);
    const twice = await chief.request('mutation($w: ID!) { updateWorkflowNodes(workflowId: $w, nodes: [{ key: "zeta", connectedTo: ["alpha", "alpha"] }]) { key } }', { w: w.id }, { token: owner() });
    expect(errorOf(twice)).toMatchObject({ code: 'BAD_USER_INPUT', field: 'nodes.0.connectedTo.1' });

    const count = async () => {
      chief.statements.reset();
      expectData(await chief.request('{ workflows(first: 50) { edges { node { budget { limitUsd spentUsd heldUsd } } } } workspace { budget { spentUsd } } }', {}, { token: owner() }));
      return chief.statements.count;
    };
    const few = await count();
    for (const _ of [1, 2, 3, 4, 5]) await create();
    expect(await count()).toBe(few);
  });

  it('links workflows to the meetings they ran for, across subgraphs', async () => {
    const meeting = expectData(await chief.request<{ ingestMeetings: { results: { meeting: { id: string } }[] } }>(
      'mutation($items: [MeetingInput!]!) { ingestMeetings(items: $items) { results { meeting { id } } } }',
      { items: [{ platform: 'ZOOM', externalId: 'flows-1', title: 'Investor sync', startTime: '2026-11-30T10:00:00Z', endTime: '2026-11-30T11:00:00Z' }] }, { token: owner() },
    )).ingestMeetings.results[0]!.meeting.id;
    const w = await create({ kind: 'MEETING_INGESTION', meetingId: meeting, requiresApproval: false });
    const read = expectData(await chief.request<{ meeting: { workflow: { id: string; meeting: { title: string } } } }>(
      'query($m: ID!) { meeting(id: $m) { workflow { id kind meeting { title } } } }', { m: meeting }, { token: owner() },
    ));
    expect(read.meeting.workflow).toMatchObject({ id: w.id, meeting: { title: 'Investor sync' } });
    expect(errorOf(await chief.request(CREATE, { i: { name: 'W', objective: 'O', meetingId: randomUUID() } }, { token: owner() }))).toMatchObject({ code: 'NOT_FOUND', field: 'input.meetingId' });
  });
});
