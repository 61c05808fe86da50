import { defineConfig } from 'drizzle-kit';

// Each subgraph owns its models (one Postgres schema per domain); this gathers them so that
// drizzle-kit generates one ordered migration history for the database they share.
export default defineConfig({
  dialect: 'postgresql',
  schema: ['./subgraphs/*/src/models/index.ts'],
  out: './drizzle/migrations',
  schemaFilter: ['core', 'work', 'ops'],
});
