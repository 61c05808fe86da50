import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { id, ownedThrough, tenantPolicies, workspaceId } from '@chief/db';
import { flows } from './schema.ts';

/**
 * A workflow's checkpoints (seed 004's workflow_states): append-only, versioned 1, 2, 3... per
 * workflow, each the orchestration-agnostic state as JSON with the version of its schema, the
 * step it completed (once per workflow: a step is never recorded twice) and the step to continue
 * with. Updates and deletes are refused by the database, like the event log's.
 */
export const workflowStates = flows.table(
  'workflow_states',
  {
    id: id(),
    workspaceId: workspaceId(),
    workflowId: uuid('workflow_id').notNull(),
    version: integer('version').notNull(),
    step: text('step').notNull(),
    nextStep: text('next_step'),
    schemaVersion: text('schema_version').notNull(),
    state: jsonb('state').$type<Record<string, unknown>>().notNull(),
    generation: integer('generation').notNull(),
    createdBy: uuid('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'string' }).notNull().defaultNow(),
  },
  (t) => [
    unique('uq_workflow_states_version').on(t.workflowId, t.version),
    unique('uq_workflow_states_step').on(t.workflowId, t.step),
    index('ix_workflow_states_workspace').on(t.workspaceId, t.workflowId, t.version.desc()),
    check('ck_workflow_states_version', sql`${t.version} >= 1`),
    check('ck_workflow_states_step', sql`${t.step} ~ '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}$'`),
    check('ck_workflow_states_next_step', sql`${t.nextStep} is null or ${t.nextStep} ~ '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}$'`),
    check('ck_workflow_states_schema_version', sql`${t.schemaVersion} ~ '^[0-9]+\\.[0-9]+(\\.[0-9]+)?$'`),
    check('ck_workflow_states_state', sql`jsonb_typeof(${t.state}) = 'object' and octet_length(${t.state}::text) <= 262144`),
    ...tenantPolicies('workflow_states', t.workspaceId, { write: 'own', insert: 'owned', createdBy: t.createdBy, ownedWhen: ownedThrough('flows.workflows', t.workflowId) }),
  ],
);
