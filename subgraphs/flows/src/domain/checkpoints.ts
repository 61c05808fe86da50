import { isDeepStrictEqual } from 'node:util';
import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import {
  anyUuid, appendEvent, badUserInput, byKey, conflict, listPagesByParent, parseId, parseInput, requireRole, withSession,
  type Connection, type LoaderRegistry, type Page, type RequestSession, type Session,
} from '@chief/runtime';
import { workflowStates, workflows } from '../models/index.ts';
import { lockWorkflow, type Workflow } from './workflows.ts';

export type Checkpoint = typeof workflowStates.$inferSelect;
type Scope = { session: RequestSession; loaders: LoaderRegistry };

const stepName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}$/, 'must be 1 to 200 letters, digits or _ . : - (starting with a letter or digit)');
const MAX_STATE_BYTES = 262_144;
const checkpointInput = z.object({
  workflowId: z.uuid('must be an id'),
  generation: z.number().int().min(1),
  step: stepName,
  nextStep: stepName.nullish(),
  schemaVersion: z.string().regex(/^[0-9]+\.[0-9]+(\.[0-9]+)?$/, 'must be a version such as 1.0 or 1.0.0'),
  state: z.record(z.string(), z.unknown()),
});

/** The latest checkpoint of a workflow (its highest version), if any. */
const latestOf = async (session: Session, workflowId: string) =>
  (await session.db.select().from(workflowStates).where(eq(workflowStates.workflowId, workflowId)).orderBy(desc(workflowStates.version)).limit(1))[0] ?? null;

/**
 * Records that a step completed, with the state after it: version latest + 1, append-only. The
 * runner names the generation it was given by resumeWorkflow (or 1, the first run): once the
 * workflow is resumed past it, its checkpoints are refused, so two runners never both continue.
 * A step is recorded once: sending the same checkpoint again returns it; another state for a
 * completed step is a CONFLICT, since that step must not run twice.
 */
export async function writeCheckpoint(request: RequestSession, rawInput: unknown): Promise<Checkpoint> {
  const input = parseInput(checkpointInput, rawInput);
  const state = JSON.stringify(input.state);
  if (Buffer.byteLength(state) > MAX_STATE_BYTES) throw badUserInput('input.state', `input.state must be at most ${MAX_STATE_BYTES} bytes as JSON`);
  return request.mutate(async (session) => {
    requireRole(session, 'member');
    const workflow = await lockWorkflow(session, input.workflowId, 'input.workflowId');
    if (input.generation !== workflow.generation) {
      throw conflict(`This run was resumed past: generation ${workflow.generation} is current, not ${input.generation}; resume and continue from the latest checkpoint`, { field: 'input.generation' });
    }
    const [done] = await session.db.select().from(workflowStates).where(and(eq(workflowStates.workflowId, workflow.id), eq(workflowStates.step, input.step)));
    if (done) {
      const same = done.generation === input.generation && (done.nextStep ?? null) === (input.nextStep ?? null) && done.schemaVersion === input.schemaVersion
        && isDeepStrictEqual(done.state, input.state);
      if (same) return done;
      throw conflict(`Step ${input.step} was already completed (checkpoint version ${done.version}); a step does not run twice`, { field: 'input.step' });
    }
    const [row] = await session.db
      .insert(workflowStates)
      .values({
        workspaceId: workflow.workspaceId,
        workflowId: workflow.id,
        version: sql`(select coalesce(max(${workflowStates.version}), 0) + 1 from ${workflowStates} where ${workflowStates.workflowId} = ${workflow.id})`,
        step: input.step,
        nextStep: input.nextStep ?? null,
        schemaVersion: input.schemaVersion,
        state: input.state,
        generation: input.generation,
        createdBy: session.memberId,
        // Not the transaction's start: checkpoints written in one request list in their order.
        createdAt: sql`clock_timestamp()`,
      })
      .returning();
    await appendEvent(session, {
      type: 'flows.workflow.checkpointed', entityId: workflow.id,
      payload: { version: row!.version, step: row!.step, nextStep: row!.nextStep, generation: row!.generation },
    });
    return row!;
  });
}

export interface Resume {
  workflow: Workflow;
  generation: number;
  checkpoint: Checkpoint | null;
  nextStep: string | null;
  completedSteps: string[];
}

/**
 * Where a workflow continues after a restart: its latest checkpoint, the step to run next, and
 * every step already completed. Each resume starts a new generation and fences off the one
 * before, so a workflow resumed twice has one runner whose checkpoints are accepted, and a step
 * that has a checkpoint is never recorded again.
 */
export async function resumeWorkflow(request: RequestSession, rawId: unknown): Promise<Resume> {
  const workflowId = parseId(rawId);
  return request.mutate(async (session) => {
    requireRole(session, 'member');
    await lockWorkflow(session, workflowId);
    const [workflow] = await session.db.update(workflows).set({ generation: sql`${workflows.generation} + 1` }).where(eq(workflows.id, workflowId)).returning();
    const checkpoint = await latestOf(session, workflowId);
    const steps = await session.db.select({ step: workflowStates.step }).from(workflowStates).where(eq(workflowStates.workflowId, workflowId)).orderBy(asc(workflowStates.version));
    await appendEvent(session, {
      type: 'flows.workflow.resumed', entityId: workflowId,
      payload: { generation: workflow!.generation, fromVersion: checkpoint?.version ?? null, nextStep: checkpoint?.nextStep ?? null },
    });
    return { workflow: workflow!, generation: workflow!.generation, checkpoint, nextStep: checkpoint?.nextStep ?? null, completedSteps: steps.map((s) => s.step) };
  });
}

/** A workflow's checkpoints, newest first, batched across the request. */
export function checkpointsOf(scope: Scope, workflowId: string, page: Page): Promise<Connection<Checkpoint>> {
  return scope.loaders
    .get<string, Connection<Checkpoint>>(`flows.workflow_states:workflow:${JSON.stringify(page)}`, (ids) =>
      withSession(scope, ({ db }) => listPagesByParent(db, workflowStates, workflowStates.workflowId, ids, undefined, page)),
    )
    .load(workflowId);
}

/** Each workflow's latest checkpoint, one statement for every workflow of the request. */
export function latestCheckpointOf(scope: Scope, workflowId: string): Promise<Checkpoint | null> {
  return scope.loaders
    .get<string, Checkpoint | null>('flows.workflow_states:latest', async (ids) => {
      const rows = await withSession(scope, ({ db }) =>
        db.selectDistinctOn([workflowStates.workflowId]).from(workflowStates).where(anyUuid(workflowStates.workflowId, ids))
          .orderBy(workflowStates.workflowId, desc(workflowStates.version)),
      );
      return byKey(ids, rows, (r) => r.workflowId);
    })
    .load(workflowId);
}
