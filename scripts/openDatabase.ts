import { createSqlClient, runMigrations, startEmbeddedPostgres, type SqlClient } from '@chief/db';
import type { Config } from '@chief/runtime';

export interface OpenDatabase {
  url: string;
  /** The embedded PGlite (one backend behind a socket), rather than DATABASE_URL's server. */
  embedded: boolean;
  /** Migrations this opening applied. */
  migrations: { applied: number };
  /** A postgres.js pool on the database, set up for the embedded server when that is what it is. */
  connect(options?: { onStatement?: (query: string) => void }): SqlClient;
  /** Stops the embedded server; nothing to do for DATABASE_URL. */
  stop(): Promise<void>;
}

/**
 * The database a command works on, migrated: DATABASE_URL, or else the embedded PGlite with its
 * data folder, served on a socket inside that folder.
 */
export async function openDatabase(config: Config): Promise<OpenDatabase> {
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres({ dataDir: config.pglite.dataDir });
  const url = config.databaseUrl ?? embedded!.url;
  try {
    const migrations = await runMigrations(url);
    return {
      url,
      embedded: Boolean(embedded) || config.databaseEmbedded,
      migrations,
      connect: ({ onStatement } = {}) => createSqlClient(url, { max: config.dbPoolMax, embedded: Boolean(embedded) || config.databaseEmbedded, onStatement }),
      stop: async () => embedded?.stop(),
    };
  } catch (error) {
    await embedded?.stop();
    throw error;
  }
}
