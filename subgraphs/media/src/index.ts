import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { createSubgraphService, type SubgraphDeps, createEmbedder, createSearchFields, mergeResolvers } from '@chief/runtime';
import { mediaResolvers } from './resolvers.ts';
import { mediaSearchResolvers } from './searchResolvers.ts';

/** The media subgraph's SDL: the contract, readable on its own. */
export const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

/** Builds the media subgraph service (recorded videos and documents, their transcripts and chunks). */
export function createMediaSubgraph(deps: SubgraphDeps) {
  return createSubgraphService({ name: 'media', typeDefs, resolvers: mergeResolvers(mediaResolvers, mediaSearchResolvers(createSearchFields(createEmbedder(deps.config.embeddings)))), ...deps });
}
export { ingestMediaAssets } from './domain/ingestMediaAssets.ts';
