import type { DocumentNode } from 'graphql';
import type { SqlClient } from '@chief/db';
import type { Config } from './loadConfig.ts';
import type { Logger } from './createLogger.ts';
import type { RunningServer } from './createHttpServer.ts';
import { subgraphManifest, type SubgraphName } from './subgraphManifest.ts';

/** What a subgraph's factory is given: the shared pool, the configuration, its own logger. */
export interface SubgraphDeps {
  sql: SqlClient;
  config: Config;
  logger: Logger;
}

/** A subgraph service, ready to listen. */
export interface SubgraphService {
  listen(port: number): Promise<RunningServer>;
}

/** A subgraph package as the manifest names it: its SDL and its factory. */
export interface LoadedSubgraph {
  name: SubgraphName;
  typeDefs: DocumentNode;
  create(deps: SubgraphDeps): SubgraphService;
}

/** Imports a subgraph's package by the manifest, checking it exports what the manifest says. */
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
