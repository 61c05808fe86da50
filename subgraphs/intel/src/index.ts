import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { createSubgraphService, type SubgraphDeps } from '@chief/runtime';
import { intelResolvers } from './resolvers.ts';

/** The intel subgraph's SDL: the contract, readable on its own. */
export const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

/** Builds the intel subgraph service (briefings, insights, decisions, notifications, model settings, the morning brief). */
export function createIntelSubgraph(deps: SubgraphDeps) {
  return createSubgraphService({ name: 'intel', typeDefs, resolvers: intelResolvers, ...deps });
}
export { createBriefing } from './domain/briefings.ts';
export { createInsight } from './domain/insights.ts';
export { createDecision } from './domain/decisions.ts';
export { raiseNotification } from './domain/notifications.ts';
