import { createSubgraphService, type SubgraphDeps, mergeResolvers, searchFieldsOf, subgraphTypeDefs } from '@chief/runtime';
import { mediaResolvers } from './resolvers.ts';
import { mediaSearchResolvers } from './searchResolvers.ts';

/** The media subgraph's SDL: the contract, readable on its own, with the shared types it names (runtime/src/sdl). */
export const typeDefs = subgraphTypeDefs(new URL('./schema.graphql', import.meta.url), 'pages', 'dateTime', 'json', 'changes', 'ingest', 'search');

/** Builds the media subgraph service (recorded videos and documents, their transcripts and chunks). */
export function createMediaSubgraph(deps: SubgraphDeps) {
  return createSubgraphService({ name: 'media', typeDefs, resolvers: mergeResolvers(mediaResolvers, mediaSearchResolvers(searchFieldsOf(deps))), ...deps });
}
export { ingestMediaAssets } from './domain/ingestMediaAssets.ts';
