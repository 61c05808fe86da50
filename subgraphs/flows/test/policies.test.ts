import { randomUUID } from 'node:crypto';
import type { OwnerSql } from '../../../test/support/databaseOwner.ts';
import { describeIngestedPolicies } from '../../../test/support/describeIngestedPolicies.ts';

/** A workflow of the copied row's maker that has no budget of its own yet (one budget per workflow). */
async function workflowWithoutBudget(sql: OwnerSql, where: string) {
  const [row] = await sql.unsafe(`select id from flows.workflows w where ${where} and not exists (select 1 from flows.budgets b where b.workflow_id = w.id) limit 1`);
  return { workflow_id: row!.id };
}

describeIngestedPolicies({
  schema: 'flows',
  tables: ['flows.workflows', 'flows.workflow_states', 'flows.workflow_nodes', 'flows.token_usage', 'flows.budgets'],
  parts: ['flows.workflow_states', 'flows.workflow_nodes'],
  appendOnly: ['flows.workflow_states', 'flows.token_usage'],
  peopleOnly: ['flows.budgets'],
  fresh: {
    'flows.workflow_states': async () => ({ version: 1000 + Math.floor(Math.random() * 1e6), step: `copy-${randomUUID()}` }),
    'flows.workflow_nodes': async () => ({ node_key: `copy-${randomUUID()}` }),
    'flows.budgets': workflowWithoutBudget,
  },
});
