/// <reference path="../../../test/support/providedContext.d.ts" />
import { expectData } from '../../../test/support/startTestChief.ts';
import type { SubgraphProbe } from '../../../test/support/subgraphProbe.ts';

/** flows to a direct caller: the workspace's workflows, and a workflow by reference. */
export const probe: SubgraphProbe = {
  query: '{ workflows { edges { node { id name } } } }',
  entity: {
    typename: 'Workflow',
    fields: 'id name',
    id: async (chief, ws) => {
      const made = expectData(await chief.request<{ createWorkflow: { id: string } }>(
        'mutation { createWorkflow(input: { name: "Probe", objective: "Probe" }) { id } }', {}, { token: ws.users.owner.token },
      ));
      return made.createWorkflow.id;
    },
  },
};
