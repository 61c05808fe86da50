import { composeServices } from '@apollo/composition';
import { parse, print, printSchema } from 'graphql';
import { subgraphManifest } from '@chief/runtime';
import { loadSubgraphs } from './loadSubgraphs.ts';

/** A subgraph as composition sees it; the URL is the default, the environment decides at run time. */
export interface SubgraphSource {
  name: string;
  url: string;
  sdl: string;
}

/** The subgraphs' SDL as the running code defines it, for every subgraph of the manifest. */
export async function currentSubgraphs(): Promise<SubgraphSource[]> {
  const loaded = await loadSubgraphs();
  return loaded.map(({ name, typeDefs }) => ({ name, url: `http://127.0.0.1:${subgraphManifest.find((s) => s.name === name)!.port}/graphql`, sdl: print(typeDefs) }));
}

export type Composition =
  | { ok: true; supergraphSdl: string; apiSchemaSdl: string }
  | { ok: false; errors: string[] };

/** Composes with Apollo's composition, as the gateway will; the errors name the types at fault. */
export function composeSubgraphs(subgraphs: SubgraphSource[]): Composition {
  let definitions;
  try {
    definitions = subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) }));
  } catch (error) {
    return { ok: false, errors: [(error as Error).message] };
  }
  const result = composeServices(definitions);
  if (result.errors) return { ok: false, errors: result.errors.map((e) => e.message) };
  return { ok: true, supergraphSdl: result.supergraphSdl, apiSchemaSdl: `${printSchema(result.schema.toAPISchema().toGraphQLJSSchema())}\n` };
}

/**
 * The files of the schema registry (schema/): each subgraph's SDL, the supergraph the gateway
 * loads in production, and the API schema clients see (no federation internals).
 */
export function registryFiles(subgraphs: SubgraphSource[], composition: Extract<Composition, { ok: true }>): Record<string, string> {
  return {
    ...Object.fromEntries(subgraphs.map((s) => [`schema/subgraphs/${s.name}.graphql`, `${s.sdl}\n`])),
    'schema/supergraph.graphql': composition.supergraphSdl,
    'schema/api.graphql': composition.apiSchemaSdl,
  };
}
