import { defineConfig } from 'drizzle-kit';
import { subgraphNames } from '../runtime/src/subgraphManifest.ts';

// Each subgraph owns its models (one Postgres schema per domain, named like the subgraph); this
// gathers the manifest's subgraphs so drizzle-kit generates one ordered migration history for the
// database they share.
export default defineConfig({
  dialect: 'postgresql',
  schema: subgraphNames.map((name) => `./subgraphs/${name}/src/models/index.ts`),
  out: './drizzle/migrations',
  schemaFilter: subgraphNames,
});
