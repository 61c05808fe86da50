import { loadById, typeSearch, type SearchFields } from '@chief/runtime';
import { mediaAssets, mediaChunks } from './models/index.ts';

/** searchMedia: hybrid search over the passages of recordings and documents, each asset once with its best passage. */
export function mediaSearchResolvers(search: SearchFields) {
  const mediaSearch = typeSearch(search, 'MEDIA', 'mediaAsset', (ctx, id) => loadById(ctx, mediaAssets, id), (ctx, id) => loadById(ctx, mediaChunks, id));
  return { Query: { searchMedia: mediaSearch.search } };
}
