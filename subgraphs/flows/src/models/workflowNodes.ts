import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, numeric, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { id, ownedThrough, tenantPolicies, timestamps, workspaceId } from '@chief/db';
import { flows, nodeStatus, nodeType } from './schema.ts';

/** At most this many nodes per workflow: seed 004's map limit, held by the database too. */
export const MAX_NODES_PER_WORKFLOW = 500;

/**
 * A node of a workflow's live map (seed 004's workflow_nodes): its key within the workflow, type,
 * label and position, its status with progress 0..100 and a plain-English message, when it
 * started and finished, and the keys of the nodes it leads to (the map's edges). `seq` is the
 * order nodes were added in, exact even for the nodes one statement adds.
 */
export const workflowNodes = flows.table(
  'workflow_nodes',
  {
    id: id(),
    workspaceId: workspaceId(),
    workflowId: uuid('workflow_id').notNull(),
    key: text('node_key').notNull(),
    seq: bigint('seq', { mode: 'number' }).notNull().generatedAlwaysAsIdentity(),
    type: nodeType('node_type').notNull(),
    label: text('label').notNull(),
    positionX: integer('position_x'),
    positionY: integer('position_y'),
    status: nodeStatus('status').notNull().default('pending'),
    progress: numeric('progress', { precision: 5, scale: 2, mode: 'number' }).notNull().default(0),
    statusMessage: text('status_message'),
    connectedTo: text('connected_to').array().notNull().default(sql`'{}'::text[]`),
    startedAt: timestamp('started_at', { withTimezone: true, mode: 'date' }),
    finishedAt: timestamp('finished_at', { withTimezone: true, mode: 'date' }),
    createdBy: uuid('created_by'),
    ...timestamps(),
  },
  (t) => [
    unique('uq_workflow_nodes_key').on(t.workflowId, t.key),
    index('ix_workflow_nodes_workspace').on(t.workspaceId, t.workflowId, t.status),
    check('ck_workflow_nodes_key', sql`${t.key} ~ '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$'`),
    check('ck_workflow_nodes_label', sql`char_length(btrim(${t.label})) between 1 and 200`),
    check('ck_workflow_nodes_progress', sql`${t.progress} between 0 and 100`),
    check('ck_workflow_nodes_status_message', sql`${t.statusMessage} is null or char_length(${t.statusMessage}) <= 500`),
    check('ck_workflow_nodes_connected_to', sql`cardinality(${t.connectedTo}) <= 50 and not (${t.key} = any (${t.connectedTo}))`),
    check('ck_workflow_nodes_position', sql`(${t.positionX} is null) = (${t.positionY} is null)`),
    check('ck_workflow_nodes_finished', sql`${t.finishedAt} is null or (${t.startedAt} is not null and ${t.finishedAt} >= ${t.startedAt})`),
    ...tenantPolicies('workflow_nodes', t.workspaceId, { write: 'own', insert: 'owned', createdBy: t.createdBy, ownedWhen: ownedThrough('flows.workflows', t.workflowId) }),
  ],
);
