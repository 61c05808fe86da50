import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { createSubgraphService, type SubgraphDeps } from '@chief/runtime';
import { workResolvers } from './resolvers.ts';

/** The work subgraph's SDL: the contract, readable on its own. */
export const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

/** Builds the work subgraph service (tasks and tracker links; task fields on core's entities). */
export function createWorkSubgraph(deps: SubgraphDeps) {
  return createSubgraphService({ name: 'work', typeDefs, resolvers: workResolvers, ...deps });
}
export { createTask } from './domain/tasks.ts';
