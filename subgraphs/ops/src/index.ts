import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { createSubgraphService, type SubgraphDeps } from '@chief/runtime';
import { opsResolvers } from './resolvers.ts';

/** The ops subgraph's SDL: the contract, readable on its own. */
export const typeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

/**
 * Builds the ops subgraph service: the event log as GraphQL (read only: every change appends to
 * it through appendEvent, in the transaction of the change), and the history of every entity.
 */
export function createOpsSubgraph(deps: SubgraphDeps) {
  return createSubgraphService({ name: 'ops', typeDefs, resolvers: opsResolvers, ...deps });
}
