import { expectData } from '../../../test/support/startTestChief.ts';
import type { SubgraphProbe } from '../../../test/support/subgraphProbe.ts';

interface Ingested {
  ingestMeetings: { results: { meeting: { id: string } | null }[] };
}

/** meetings to a direct caller: the workspace's meetings, and a meeting by reference. */
export const probe: SubgraphProbe = {
  query: '{ meetings { edges { node { id title } } } }',
  entity: {
    typename: 'Meeting',
    fields: 'id title',
    id: async (chief, ws) => {
      const end = Date.now() - 60_000;
      const item = { platform: 'ZOOM', externalId: `probe-${Date.now()}-${Math.random()}`, title: 'Probe', startTime: new Date(end - 1_800_000).toISOString(), endTime: new Date(end).toISOString() };
      const ingested = expectData(await chief.request<Ingested>(
        'mutation($items: [MeetingInput!]!) { ingestMeetings(items: $items) { results { meeting { id } } } }', { items: [item] }, { token: ws.users.owner.token },
      ));
      return ingested.ingestMeetings.results[0]!.meeting!.id;
    },
  },
};
