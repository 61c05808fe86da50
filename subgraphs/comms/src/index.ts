import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { createSubgraphService, type SubgraphDeps, createEmbedder, createSearchFields, mergeResolvers } from '@chief/runtime';
import { commsResolvers } from './resolvers.ts';
import { commsSearchResolvers } from './searchResolvers.ts';

/** The comms subgraph's SDL: the contract, readable on its own. */
export const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

/** Builds the comms subgraph service (threads and communications; the inbox on core's founders and contacts). */
export function createCommsSubgraph(deps: SubgraphDeps) {
  return createSubgraphService({ name: 'comms', typeDefs, resolvers: mergeResolvers(commsResolvers, commsSearchResolvers(createSearchFields(createEmbedder(deps.config.embeddings)))), ...deps });
}
export { ingestCommunications } from './domain/ingestCommunications.ts';
