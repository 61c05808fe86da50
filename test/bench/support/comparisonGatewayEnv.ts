import { subgraphNames, subgraphVariables } from '@chief/runtime';

/** What a comparison gateway of the benchmark reads from its environment: the supergraph file and each subgraph's URL (as Chief's gateway does). */
export function comparisonGatewayEnv(env: NodeJS.ProcessEnv = process.env) {
  const supergraphPath = env.SUPERGRAPH_PATH ?? 'schema/supergraph.graphql';
  const subgraphUrls: Record<string, string> = {};
  for (const name of subgraphNames) {
    const url = env[subgraphVariables(name).url];
    if (!url) throw new Error(`${subgraphVariables(name).url} is not set`);
    subgraphUrls[name] = url;
  }
  return { supergraphPath, subgraphUrls };
}
