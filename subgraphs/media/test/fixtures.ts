import { expectData } from '../../../test/support/startTestChief.ts';
import type { SubgraphProbe } from '../../../test/support/subgraphProbe.ts';

interface Ingested {
  ingestMediaAssets: { results: { mediaAsset: { id: string } | null }[] };
}

/** media to a direct caller: the workspace's media, and an asset by reference. */
export const probe: SubgraphProbe = {
  query: '{ mediaAssets { edges { node { id title } } } }',
  entity: {
    typename: 'MediaAsset',
    fields: 'id title',
    id: async (chief, ws) => {
      const item = { platform: 'LOOM', externalId: `probe-${Date.now()}-${Math.random()}`, kind: 'VIDEO', title: 'Probe', url: 'https://www.loom.com/share/probe', recordedAt: new Date().toISOString() };
      const ingested = expectData(await chief.request<Ingested>(
        'mutation($items: [MediaAssetInput!]!) { ingestMediaAssets(items: $items) { results { mediaAsset { id } } } }', { items: [item] }, { token: ws.users.owner.token },
      ));
      return ingested.ingestMediaAssets.results[0]!.mediaAsset!.id;
    },
  },
};
