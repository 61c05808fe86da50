import { createSubgraphService, type SubgraphDeps, mergeResolvers, searchFieldsOf, subgraphTypeDefs } from '@chief/runtime';
import { commsResolvers } from './resolvers.ts';
import { commsSearchResolvers } from './searchResolvers.ts';

/** The comms subgraph's SDL: the contract, readable on its own, with the shared types it names (runtime/src/sdl). */
export const typeDefs = subgraphTypeDefs(new URL('./schema.graphql', import.meta.url), 'pages', 'dateTime', 'json', 'ingest', 'search');

/** Builds the comms subgraph service (threads and communications; the inbox on core's founders and contacts). */
export function createCommsSubgraph(deps: SubgraphDeps) {
  return createSubgraphService({ name: 'comms', typeDefs, resolvers: mergeResolvers(commsResolvers, commsSearchResolvers(searchFieldsOf(deps))), ...deps });
}
export { ingestCommunications } from './domain/ingestCommunications.ts';
