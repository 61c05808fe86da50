import { loadById, withRows, type SearchFields, type SubgraphContext } from '@chief/runtime';
import { mediaAssets, mediaChunks } from './models/index.ts';

/** searchMedia: hybrid search over the passages of recordings and documents, each asset once with its best passage. */
export function mediaSearchResolvers(search: SearchFields) {
  return {
    Query: {
      searchMedia: async (_: unknown, args: unknown, ctx: SubgraphContext) =>
        withRows(await search.search(ctx, args, ['MEDIA']), 'mediaAsset', (id) => loadById(ctx, mediaAssets, id), async (hit) => {
          const passage = hit.passage ? await loadById(ctx, mediaChunks, hit.passage.id) : null;
          return passage ? { passage } : null;
        }),
    },
  };
}
