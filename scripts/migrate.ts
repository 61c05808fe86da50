import { runMigrations, startEmbeddedPostgres } from '@chief/db';
import { ConfigError, loadConfig } from '@chief/runtime';

// `npm run db:migrate`: applies pending migrations to DATABASE_URL, or to the embedded data folder.
try {
  const config = loadConfig();
  const embedded = config.databaseUrl ? undefined : await startEmbeddedPostgres({ dataDir: config.pglite.dataDir, port: 0 });
  const { applied } = await runMigrations(config.databaseUrl ?? embedded!.url);
  console.log(applied ? `Applied ${applied} migration(s).` : 'Database is up to date.');
  await embedded?.stop();
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
