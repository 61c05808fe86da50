import type { DocumentNode } from 'graphql';
import { subgraphManifest, type SubgraphFactory, type SubgraphName } from '@chief/runtime';

/** A subgraph package as the manifest names it: its SDL and its factory. */
export interface LoadedSubgraph {
  name: SubgraphName;
  typeDefs: DocumentNode;
  create: SubgraphFactory;
}

/**
 * Imports a subgraph's package by the manifest, checking it exports what the manifest says: how
 * the all-in-one start and the schema registry reach every subgraph. (The scripts sit above the
 * subgraph packages; runtime, which they import, never loads them.)
 */
export async function loadSubgraph(name: SubgraphName): Promise<LoadedSubgraph> {
  const entry = subgraphManifest.find((s) => s.name === name);
  if (!entry) throw new Error(`No subgraph named ${name} in the manifest`);
  const module = (await import(entry.package)) as Record<string, unknown>;
  const create = module[entry.factory];
  if (typeof create !== 'function') throw new Error(`${entry.package} does not export the factory ${entry.factory} the manifest names`);
  if (!module.typeDefs) throw new Error(`${entry.package} does not export typeDefs`);
  return { name, typeDefs: module.typeDefs as DocumentNode, create: create as LoadedSubgraph['create'] };
}

/** Every subgraph of the manifest, in its order. */
export const loadSubgraphs = () => Promise.all(subgraphManifest.map((s) => loadSubgraph(s.name)));
