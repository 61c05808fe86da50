import { loadById, withRows, type SearchFields, type SubgraphContext } from '@chief/runtime';
import { communications } from './models/index.ts';

/** searchCommunications and Communication.similar: hybrid search over communications, each hit with its communication. */
export function commsSearchResolvers(search: SearchFields) {
  const withCommunications = (ctx: SubgraphContext) => (hits: Awaited<ReturnType<SearchFields['search']>>) => withRows(hits, 'communication', (id) => loadById(ctx, communications, id));
  return {
    Query: {
      searchCommunications: (_: unknown, args: unknown, ctx: SubgraphContext) => search.search(ctx, args, ['COMMUNICATION']).then(withCommunications(ctx)),
    },
    Communication: {
      similar: (communication: { id: string }, args: unknown, ctx: SubgraphContext) =>
        search.similar(ctx, { type: 'COMMUNICATION', id: communication.id }, args, ['COMMUNICATION']).then(withCommunications(ctx)),
    },
  };
}
