import { createSubgraphService, subgraphTypeDefs, type SubgraphDeps } from '@chief/runtime';
import { opsResolvers } from './resolvers.ts';

/** The ops subgraph's SDL: the contract, readable on its own, with the shared types it names (runtime/src/sdl). */
export const typeDefs = subgraphTypeDefs(new URL('./schema.graphql', import.meta.url), 'pages', 'dateTime', 'json');

/**
 * Builds the ops subgraph service: the event log as GraphQL (read only: every change appends to
 * it through appendEvent, in the transaction of the change), and the history of every entity.
 */
export function createOpsSubgraph(deps: SubgraphDeps) {
  return createSubgraphService({ name: 'ops', typeDefs, resolvers: opsResolvers, ...deps });
}
