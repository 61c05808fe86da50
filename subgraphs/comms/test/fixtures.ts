import { expectData } from '../../../test/support/startTestChief.ts';
import type { SubgraphProbe } from '../../../test/support/subgraphProbe.ts';

interface Ingested {
  ingestCommunications: { results: { communication: { id: string } | null }[] };
}

/** comms to a direct caller: the workspace's communications, and a communication by reference. */
export const probe: SubgraphProbe = {
  query: '{ communications { edges { node { id subject } } } }',
  entity: {
    typename: 'Communication',
    fields: 'id subject',
    id: async (chief, ws) => {
      const item = { platform: 'EMAIL', externalId: `probe-${Date.now()}-${Math.random()}`, direction: 'INBOUND', sender: { address: 'probe@example.test' }, subject: 'Probe', receivedAt: new Date().toISOString() };
      const ingested = expectData(await chief.request<Ingested>(
        'mutation($items: [CommunicationInput!]!) { ingestCommunications(items: $items) { results { communication { id } } } }', { items: [item] }, { token: ws.users.owner.token },
      ));
      return ingested.ingestCommunications.results[0]!.communication!.id;
    },
  },
};
