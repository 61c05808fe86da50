import { readFileSync } from 'node:fs';
import { parse } from 'graphql';
import { createSubgraphService, type Config, type Logger } from '@chief/runtime';
import type { SqlClient } from '@chief/db';
import { workResolvers } from './resolvers.ts';

/** The work subgraph's SDL: the contract, readable on its own. */
export const workTypeDefs = parse(readFileSync(new URL('./schema.graphql', import.meta.url), 'utf8'));

/** Builds the work subgraph service (tasks and tracker links; task fields on core's entities). */
export function createWorkSubgraph(deps: { sql: SqlClient; config: Config; logger: Logger }) {
  return createSubgraphService({ name: 'work', typeDefs: workTypeDefs, resolvers: workResolvers, ...deps });
}
export { createTask } from './domain/tasks.ts';
