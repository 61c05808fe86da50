import { runMigrations, startEmbeddedPostgres } from '@chief/db';
import type { TestProject } from 'vitest/node';

/**
 * One database for the whole run: DATABASE_URL when given (a real Postgres with pgvector),
 * otherwise the embedded PGlite in memory, served on a socket in a folder of its own. Tests make their own
 * workspaces, so they share it safely.
 */
export default async function setup(project: TestProject) {
  const embedded = process.env.DATABASE_URL ? undefined : await startEmbeddedPostgres();
  const databaseUrl = process.env.DATABASE_URL ?? embedded!.url;
  await runMigrations(databaseUrl);
  project.provide('databaseUrl', databaseUrl);
  project.provide('databaseEmbedded', Boolean(embedded));
  return async () => {
    await embedded?.stop();
  };
}
