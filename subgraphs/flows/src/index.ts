import { createSubgraphService, subgraphTypeDefs, type SubgraphDeps } from '@chief/runtime';
import { flowsResolvers } from './resolvers.ts';

/** The flows subgraph's SDL: the contract, readable on its own, with the shared types it names (runtime/src/sdl). */
export const typeDefs = subgraphTypeDefs(new URL('./schema.graphql', import.meta.url), 'pages', 'dateTime', 'json', 'changes');

/** Builds the flows subgraph service (workflows, checkpoints, live maps, token usage and budgets). */
export function createFlowsSubgraph(deps: SubgraphDeps) {
  return createSubgraphService({ name: 'flows', typeDefs, resolvers: flowsResolvers, ...deps });
}
export { createWorkflow, moveWorkflow } from './domain/workflows.ts';
export { writeCheckpoint } from './domain/checkpoints.ts';
export { updateWorkflowNodes } from './domain/nodes.ts';
export { authorizeModelCall, recordTokenUsage } from './domain/usage.ts';
export { setBudget } from './domain/budgets.ts';
