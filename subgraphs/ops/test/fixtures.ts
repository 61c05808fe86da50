import type { SubgraphProbe } from '../../../test/support/subgraphProbe.ts';

/** ops to a direct caller: the workspace's events, and one of them by reference. */
export const probe: SubgraphProbe = {
  query: '{ events { edges { node { id type } } } }',
  entity: {
    typename: 'Event',
    fields: 'id type',
    id: async (chief, ws) => {
      const [event] = await chief.sql.unsafe(`select id from ops.events where workspace_id = '${ws.id}' order by seq limit 1`);
      return event!.id as string;
    },
  },
};
