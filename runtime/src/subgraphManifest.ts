/**
 * The one list of Chief's subgraphs, as Apollo's supergraph.yaml is for a router. Every consumer
 * reads it: the all-in-one start and each subgraph's own process, the gateway's subgraph list,
 * the configuration (`<NAME>_PORT`, `SUBGRAPH_<NAME>_URL`), schema publish and check, drizzle's
 * schema filter, the Dockerfile and docker-compose.yml (generated from it), and every test that
 * goes through the subgraphs. Adding a subgraph is its folder, an entry here, and its migration.
 *
 * Data only: runtime cannot import the subgraphs (they import runtime), so they are loaded by
 * package name, and each package exports `typeDefs` and the named factory.
 */
export const subgraphManifest = [
  {
    name: 'core',
    package: '@chief/subgraph-core',
    factory: 'createCoreSubgraph',
    port: 4001,
    /** What the process needs in production beyond SUBGRAPH_SECRET. */
    secrets: ['ENCRYPTION_KEY', 'API_KEY_SECRET'],
  },
  { name: 'work', package: '@chief/subgraph-work', factory: 'createWorkSubgraph', port: 4002, secrets: [] },
  { name: 'ops', package: '@chief/subgraph-ops', factory: 'createOpsSubgraph', port: 4003, secrets: [] },
  { name: 'comms', package: '@chief/subgraph-comms', factory: 'createCommsSubgraph', port: 4004, secrets: [] },
  { name: 'meetings', package: '@chief/subgraph-meetings', factory: 'createMeetingsSubgraph', port: 4005, secrets: [] },
  { name: 'media', package: '@chief/subgraph-media', factory: 'createMediaSubgraph', port: 4006, secrets: [] },
  { name: 'intel', package: '@chief/subgraph-intel', factory: 'createIntelSubgraph', port: 4007, secrets: [] },
  { name: 'flows', package: '@chief/subgraph-flows', factory: 'createFlowsSubgraph', port: 4008, secrets: [] },
] as const satisfies readonly SubgraphEntry[];

export interface SubgraphEntry {
  /** Lowercase letters: the subgraph's name in the supergraph, its folder, its Postgres schema. */
  name: string;
  package: string;
  /** The package's export that builds the service: `(deps: SubgraphDeps) => { listen(port) }`. */
  factory: string;
  /** Its default port (`<NAME>_PORT`); the gateway's default URL points at it. */
  port: number;
  secrets: readonly ('ENCRYPTION_KEY' | 'API_KEY_SECRET')[];
}

export type SubgraphName = (typeof subgraphManifest)[number]['name'];

export const subgraphNames = subgraphManifest.map((s) => s.name) as SubgraphName[];

/** The environment variables that configure one subgraph. */
export const subgraphVariables = (name: string) => ({ port: `${name.toUpperCase()}_PORT`, url: `SUBGRAPH_${name.toUpperCase()}_URL` });
