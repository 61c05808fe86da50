import { expectData, type Ids } from '../../../test/support/startTestChief.ts';
import type { SubgraphProbe } from '../../../test/support/subgraphProbe.ts';

/** work to a direct caller: the workspace's tasks, and a task by reference. */
export const probe: SubgraphProbe = {
  query: '{ tasks { edges { node { id title } } } }',
  entity: {
    typename: 'Task',
    fields: 'id title',
    id: async (chief, ws) => expectData(await chief.request<Ids<'createTask'>>('mutation { createTask(input: { title: "Probe" }) { id } }', {}, { token: ws.users.owner.token })).createTask.id,
  },
};
