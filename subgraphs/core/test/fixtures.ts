import type { SubgraphProbe } from '../../../test/support/subgraphProbe.ts';

/** core to a direct caller: the workspace's founders, and a founder by reference. */
export const probe: SubgraphProbe = {
  query: '{ founders { edges { node { id email } } } }',
  entity: { typename: 'Founder', fields: 'id email', id: async (_chief, ws) => ws.founderId },
};
