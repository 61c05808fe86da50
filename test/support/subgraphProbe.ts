import type { TestChief } from './startTestChief.ts';

/** What a probe needs of a workspace (a core fixture gives all of it; typed here so probes import no domain). */
export interface ProbeWorkspace {
  id: string;
  founderId: string;
  users: { owner: { token: string } };
}

/**
 * What a cross-service test needs of one domain to probe its subgraph directly (authentication,
 * distributed mode, isolation): each subgraph's `test/fixtures.ts` exports one, and the tests that
 * go through every subgraph of the manifest read them, so a new subgraph brings its own.
 */
export interface SubgraphProbe {
  /** A query that returns the workspace's data to a caller the subgraph trusts, and nothing to anyone else. */
  query: string;
  /** An entity of the workspace that the subgraph owns, as `_entities` asks for it. */
  entity: { typename: string; fields: string; id(chief: TestChief, ws: ProbeWorkspace): Promise<string> };
}

/** The probe a subgraph's folder exports from `test/fixtures.ts`. */
export async function probeOf(subgraph: string): Promise<SubgraphProbe> {
  const fixtures = (await import(`../../subgraphs/${subgraph}/test/fixtures.ts`)) as { probe?: SubgraphProbe };
  if (!fixtures.probe) throw new Error(`subgraphs/${subgraph}/test/fixtures.ts exports no probe`);
  return fixtures.probe;
}
