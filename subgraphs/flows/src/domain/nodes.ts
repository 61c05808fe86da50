import { asc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import {
  anyUuid, appendEvent, badUserInput, groupByKey, parseId, parseInput, requireRole, textArray, withSession,
  type LoaderRegistry, type RequestSession,
} from '@chief/runtime';
import { MAX_NODES_PER_WORKFLOW, nodeStatus, nodeType, workflowNodes } from '../models/index.ts';
import { lockWorkflow } from './workflows.ts';

export type WorkflowNode = typeof workflowNodes.$inferSelect;
type Scope = { session: RequestSession; loaders: LoaderRegistry };

const nodeKey = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$/, 'must be 1 to 100 letters, digits or _ . : - (starting with a letter or digit)');
const nodeInput = z.object({
  key: nodeKey,
  type: z.enum(nodeType.enumValues).optional(),
  label: z.string().trim().min(1, 'must not be empty').max(200).optional(),
  position: z.object({ x: z.number().int().min(-1_000_000).max(1_000_000), y: z.number().int().min(-1_000_000).max(1_000_000) }).nullish(),
  status: z.enum(nodeStatus.enumValues).optional(),
  progress: z.number().min(0, 'must be 0 to 100').max(100, 'must be 0 to 100').optional(),
  statusMessage: z.string().trim().max(500).nullish(),
  connectedTo: z.array(nodeKey).max(50).optional(),
});
const nodesInput = z.array(nodeInput).min(1, 'must name at least one node').max(MAX_NODES_PER_WORKFLOW);

const FINISHED = new Set<WorkflowNode['status']>(['success', 'error', 'skipped']);

/** A node as it is after `input` is applied to `current` (absent for a new node). */
function applied(current: WorkflowNode | undefined, input: z.infer<typeof nodeInput>, now: Date) {
  const status = input.status ?? current?.status ?? 'pending';
  const startedAt = current?.startedAt ?? (status === 'pending' ? null : now);
  return {
    key: input.key,
    type: input.type ?? current!.type,
    label: input.label ?? current!.label,
    positionX: input.position === undefined ? (current?.positionX ?? null) : (input.position?.x ?? null),
    positionY: input.position === undefined ? (current?.positionY ?? null) : (input.position?.y ?? null),
    status,
    progress: input.progress ?? (status === 'success' ? 100 : (current?.progress ?? 0)),
    statusMessage: input.statusMessage === undefined ? (current?.statusMessage ?? null) : (input.statusMessage || null),
    connectedTo: input.connectedTo ?? current?.connectedTo ?? [],
    startedAt,
    finishedAt: FINISHED.has(status) ? (current && FINISHED.has(current.status) ? current.finishedAt : now) : null,
  };
}

const same = (a: ReturnType<typeof applied>, b: WorkflowNode) =>
  a.type === b.type && a.label === b.label && a.positionX === b.positionX && a.positionY === b.positionY && a.status === b.status
  && Number(a.progress) === Number(b.progress) && a.statusMessage === b.statusMessage && a.connectedTo.join('\n') === b.connectedTo.join('\n');

/**
 * Adds and updates nodes of a workflow's live map in one statement, however many (up to 500, the
 * map's limit): a node is named by its key, a new one needs its type and label, and what a node
 * leads to must be a node of the map. Started and finished times follow the status. Nodes that
 * do not change are not written; the ones that do are one event, which workflowNodesUpdated
 * delivers as one message.
 */
export async function updateWorkflowNodes(request: RequestSession, rawWorkflowId: unknown, rawNodes: unknown): Promise<WorkflowNode[]> {
  const workflowId = parseId(rawWorkflowId, 'workflowId');
  const input = parseInput(nodesInput, rawNodes, 'nodes');
  const seen = new Map<string, number>();
  input.forEach((n, i) => {
    if (seen.has(n.key)) throw badUserInput(`nodes.${i}.key`, `nodes.${i}.key: ${n.key} is given twice (also nodes.${seen.get(n.key)})`);
    seen.set(n.key, i);
  });
  return request.mutate(async (session) => {
    requireRole(session, 'member');
    const workflow = await lockWorkflow(session, workflowId, 'workflowId');
    const existing = await session.db.select().from(workflowNodes).where(eq(workflowNodes.workflowId, workflow.id));
    const byKey = new Map(existing.map((n) => [n.key, n]));
    const added = input.filter((n) => !byKey.has(n.key)).length;
    if (existing.length + added > MAX_NODES_PER_WORKFLOW) {
      throw badUserInput('nodes', `A workflow has at most ${MAX_NODES_PER_WORKFLOW} nodes: it has ${existing.length}, and this adds ${added}`);
    }
    const now = new Date();
    const next = input.map((n, i) => {
      const current = byKey.get(n.key);
      if (!current && (!n.type || !n.label)) throw badUserInput(`nodes.${i}.${n.type ? 'label' : 'type'}`, `nodes.${i}: a new node needs its type and label`);
      n.connectedTo?.forEach((to, j) => {
        if (to === n.key) throw badUserInput(`nodes.${i}.connectedTo.${j}`, `nodes.${i}.connectedTo.${j}: a node does not lead to itself`);
        if (n.connectedTo!.indexOf(to) !== j) throw badUserInput(`nodes.${i}.connectedTo.${j}`, `nodes.${i}.connectedTo.${j}: ${to} is given twice`);
        if (!byKey.has(to) && !seen.has(to)) throw badUserInput(`nodes.${i}.connectedTo.${j}`, `nodes.${i}.connectedTo.${j}: ${to} is not a node of this workflow`);
      });
      return { row: applied(current, n, now), current };
    });
    const changed = next.filter(({ row, current }) => !current || !same(row, current)).map(({ row }) => row);
    if (!changed.length) return input.map((n) => byKey.get(n.key)!);
    const written = await session.db
      .insert(workflowNodes)
      .values(changed.map((row) => ({ ...row, workspaceId: workflow.workspaceId, workflowId: workflow.id, createdBy: session.memberId })))
      .onConflictDoUpdate({
        target: [workflowNodes.workflowId, workflowNodes.key],
        set: Object.fromEntries(
          (['type', 'label', 'positionX', 'positionY', 'status', 'progress', 'statusMessage', 'connectedTo', 'startedAt', 'finishedAt'] as const)
            .map((k) => [k, sql.raw(`excluded.${workflowNodes[k].name}`)]),
        ),
      })
      .returning();
    await appendEvent(session, {
      type: 'flows.workflow.nodes_updated', entityId: workflow.id,
      payload: { nodeKeys: written.map((n) => n.key), added },
    });
    const writtenByKey = new Map(written.map((n) => [n.key, n]));
    return input.map((n) => writtenByKey.get(n.key) ?? byKey.get(n.key)!);
  }, 'nodes');
}

/** Each workflow's whole map (at most 500 nodes), in the order they were added, one statement for the request. */
export function nodesOf(scope: Scope, workflowId: string): Promise<WorkflowNode[]> {
  return scope.loaders
    .get<string, WorkflowNode[]>('flows.workflow_nodes:workflow', async (ids) => {
      const rows = await withSession(scope, ({ db }) =>
        db.select().from(workflowNodes).where(anyUuid(workflowNodes.workflowId, ids)).orderBy(asc(workflowNodes.workflowId), asc(workflowNodes.seq)),
      );
      return groupByKey(ids, rows, (r) => r.workflowId);
    })
    .load(workflowId);
}

/** The named nodes of a workflow as they are now (what a nodes_updated event changed). */
export const nodesByKey = (scope: Scope, workflowId: string, keys: readonly string[]) =>
  withSession(scope, ({ db }) =>
    db.select().from(workflowNodes).where(sql`${workflowNodes.workflowId} = ${workflowId} and ${workflowNodes.key} = any(${textArray(keys)}::text[])`).orderBy(asc(workflowNodes.seq)),
  );
