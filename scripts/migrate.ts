import { ConfigError, loadConfig } from '@chief/runtime';
import { openDatabase } from './openDatabase.ts';

// `npm run db:migrate`: applies pending migrations to DATABASE_URL, or to the embedded data folder.
try {
  const database = await openDatabase(loadConfig());
  const { applied } = database.migrations;
  console.log(applied ? `Applied ${applied} migration(s).` : 'Database is up to date.');
  await database.stop();
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
}
