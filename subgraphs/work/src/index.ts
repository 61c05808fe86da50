import { createSubgraphService, subgraphTypeDefs, type SubgraphDeps } from '@chief/runtime';
import { workResolvers } from './resolvers.ts';

/** The work subgraph's SDL: the contract, readable on its own, with the shared types it names (runtime/src/sdl). */
export const typeDefs = subgraphTypeDefs(new URL('./schema.graphql', import.meta.url), 'pages', 'dateTime', 'changes');

/** Builds the work subgraph service (tasks and tracker links; task fields on core's entities). */
export function createWorkSubgraph(deps: SubgraphDeps) {
  return createSubgraphService({ name: 'work', typeDefs, resolvers: workResolvers, ...deps });
}
export { createTask } from './domain/tasks.ts';
