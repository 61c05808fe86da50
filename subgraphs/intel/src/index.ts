import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { createSubgraphService, type SubgraphDeps, createEmbedder, createSearchFields, mergeResolvers } from '@chief/runtime';
import { intelResolvers } from './resolvers.ts';
import { intelSearchResolvers } from './searchResolvers.ts';

/** The intel subgraph's SDL: the contract, readable on its own. */
export const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

/** Builds the intel subgraph service (briefings, insights, decisions, notifications, model settings, the morning brief). */
export function createIntelSubgraph(deps: SubgraphDeps) {
  return createSubgraphService({ name: 'intel', typeDefs, resolvers: mergeResolvers(intelResolvers, intelSearchResolvers(createSearchFields(createEmbedder(deps.config.embeddings)))), ...deps });
}
export { createBriefing } from './domain/briefings.ts';
export { createInsight } from './domain/insights.ts';
export { createDecision } from './domain/decisions.ts';
export { raiseNotification } from './domain/notifications.ts';
