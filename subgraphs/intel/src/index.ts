import { createSubgraphService, type SubgraphDeps, mergeResolvers, searchFieldsOf, subgraphTypeDefs } from '@chief/runtime';
import { intelResolvers } from './resolvers.ts';
import { intelSearchResolvers } from './searchResolvers.ts';

/** The intel subgraph's SDL: the contract, readable on its own, with the shared types it names (runtime/src/sdl). */
export const typeDefs = subgraphTypeDefs(new URL('./schema.graphql', import.meta.url), 'pages', 'dateTime', 'json', 'changes', 'search');

/** Builds the intel subgraph service (briefings, insights, decisions, notifications, model settings, the morning brief). */
export function createIntelSubgraph(deps: SubgraphDeps) {
  return createSubgraphService({ name: 'intel', typeDefs, resolvers: mergeResolvers(intelResolvers, intelSearchResolvers(searchFieldsOf(deps))), ...deps });
}
export { createBriefing } from './domain/briefings.ts';
export { createInsight } from './domain/insights.ts';
export { createDecision } from './domain/decisions.ts';
export { raiseNotification } from './domain/notifications.ts';
