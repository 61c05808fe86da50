import { composeServices } from '@apollo/composition';
import { printSchema } from 'graphql';
import { coreTypeDefs } from '@chief/subgraph-core';
import { workTypeDefs } from '@chief/subgraph-work';

/** The subgraphs as composition sees them; URLs are the defaults, overridden by the environment at run time. */
export const subgraphDefinitions = [
  { name: 'core', url: 'http://127.0.0.1:4001/graphql', typeDefs: coreTypeDefs },
  { name: 'work', url: 'http://127.0.0.1:4002/graphql', typeDefs: workTypeDefs },
];

/** Composes the supergraph from the subgraphs' SDL; throws with every composition error. */
export function composeSupergraph(): { supergraphSdl: string; apiSchemaSdl: string } {
  const result = composeServices(subgraphDefinitions);
  if (result.errors) throw new Error(`Composition failed:\n${result.errors.map((e) => `  - ${e.message}`).join('\n')}`);
  return { supergraphSdl: result.supergraphSdl, apiSchemaSdl: printSchema(result.schema.toAPISchema().toGraphQLJSSchema()) };
}
