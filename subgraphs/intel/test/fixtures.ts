/// <reference path="../../../test/support/providedContext.d.ts" />
import { expectData } from '../../../test/support/startTestChief.ts';
import type { SubgraphProbe } from '../../../test/support/subgraphProbe.ts';

/** intel to a direct caller: the workspace's insights, and an insight by reference. */
export const probe: SubgraphProbe = {
  query: '{ insights { edges { node { id title } } } }',
  entity: {
    typename: 'Insight',
    fields: 'id title',
    id: async (chief, ws) => {
      const made = expectData(await chief.request<{ createInsight: { id: string } }>(
        'mutation { createInsight(input: { kind: OTHER, title: "Probe", content: { summary: "Probe" }, confidence: 0.5 }) { id } }', {}, { token: ws.users.owner.token },
      ));
      return made.createInsight.id;
    },
  },
};
