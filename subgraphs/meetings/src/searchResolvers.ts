import { loadById, withRows, type SearchFields, type SubgraphContext } from '@chief/runtime';
import { meetings, transcriptChunks } from './models/index.ts';

/** searchMeetings: hybrid search over transcript passages, each meeting once with its best passage. */
export function meetingsSearchResolvers(search: SearchFields) {
  return {
    Query: {
      searchMeetings: async (_: unknown, args: unknown, ctx: SubgraphContext) =>
        withRows(await search.search(ctx, args, ['MEETING']), 'meeting', (id) => loadById(ctx, meetings, id), async (hit) => {
          const passage = hit.passage ? await loadById(ctx, transcriptChunks, hit.passage.id) : null;
          return passage ? { passage } : null;
        }),
    },
  };
}
